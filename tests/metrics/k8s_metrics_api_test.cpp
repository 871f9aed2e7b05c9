#include "metrics/k8s_metrics_api.h"

#include <gtest/gtest.h>

#include <string>

namespace userscale::metrics {
namespace {

// As metrics-server v0.7 answers GET /apis/metrics.k8s.io/v1beta1/namespaces/default/pods:
// CPU in nanocores, memory in Ki, the window as Go prints a duration.
constexpr const char* kPodMetricsList = R"({
  "kind": "PodMetricsList",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {},
  "items": [
    {
      "metadata": {"name": "web-7d4b9c-abcde", "namespace": "default",
                   "creationTimestamp": "2025-06-01T12:00:05Z", "labels": {"app": "web"}},
      "timestamp": "2025-06-01T12:00:00Z",
      "window": "10.512s",
      "containers": [
        {"name": "serve", "usage": {"cpu": "250123456n", "memory": "65536Ki"}},
        {"name": "sidecar", "usage": {"cpu": "1m", "memory": "8Mi"}}
      ]
    },
    {
      "metadata": {"name": "web-7d4b9c-fghij", "namespace": "default"},
      "timestamp": "2025-06-01T12:00:01.5Z",
      "window": "1m0s",
      "containers": []
    }
  ]
})";

TEST(K8sMetricsApi, PodMetricsListAsMetricsServerWritesIt) {
  auto parsed = parse_pod_metrics_list(kPodMetricsList);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->size(), 2u);
  const PodResourceMetrics& a = (*parsed)[0];
  EXPECT_EQ(a.pod, "web-7d4b9c-abcde");
  EXPECT_DOUBLE_EQ(a.timestamp, 1748779200.0);
  EXPECT_DOUBLE_EQ(a.window, 10.512);
  ASSERT_EQ(a.containers.size(), 2u);
  EXPECT_EQ(a.containers[0].name, "serve");
  EXPECT_EQ(a.containers[0].usage_milli.at("cpu"), 251);  // rounded up, as MilliValue()
  EXPECT_EQ(a.containers[0].usage_milli.at("memory"), 65536LL * 1024 * 1000);
  EXPECT_EQ(a.containers[1].usage_milli.at("cpu"), 1);
  EXPECT_EQ((*parsed)[1].window, 60.0);
  EXPECT_DOUBLE_EQ((*parsed)[1].timestamp, 1748779201.5);
  EXPECT_TRUE((*parsed)[1].containers.empty());
}

TEST(K8sMetricsApi, EmptyAndNullItemsAreEmptyLists) {
  auto a = parse_pod_metrics_list(R"({"kind":"PodMetricsList","items":[]})");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());
  auto b = parse_metric_value_list(R"({"kind":"MetricValueList","items":null})");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
}

// custom-metrics-apiserver (prometheus-adapter) for GET
// /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/requests_in_flight.
constexpr const char* kMetricValueList = R"({
  "kind": "MetricValueList",
  "apiVersion": "custom.metrics.k8s.io/v1beta2",
  "metadata": {},
  "items": [
    {
      "describedObject": {"kind": "Pod", "namespace": "default", "name": "web-0", "apiVersion": "/v1"},
      "metric": {"name": "requests_in_flight", "selector": null},
      "timestamp": "2025-06-01T12:00:00Z",
      "value": "1500m"
    },
    {
      "describedObject": {"kind": "Pod", "namespace": "default", "name": "web-1", "apiVersion": "/v1"},
      "metric": {"name": "requests_in_flight",
                 "selector": {"matchLabels": {"verb": "GET"}}},
      "timestamp": "2025-06-01T12:00:00Z",
      "windowSeconds": 30,
      "value": "4"
    }
  ]
})";

TEST(K8sMetricsApi, MetricValueListV1beta2) {
  auto parsed = parse_metric_value_list(kMetricValueList);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].object_kind, "Pod");
  EXPECT_EQ((*parsed)[0].object_name, "web-0");
  EXPECT_EQ((*parsed)[0].metric_name, "requests_in_flight");
  EXPECT_EQ((*parsed)[0].value_milli, 1500);
  EXPECT_FALSE((*parsed)[0].window.has_value());  // the HPA then assumes one minute
  EXPECT_EQ((*parsed)[1].value_milli, 4000);
  ASSERT_TRUE((*parsed)[1].window.has_value());
  EXPECT_EQ(*(*parsed)[1].window, 30.0);
}

TEST(K8sMetricsApi, MetricValueListV1beta1NamesTheMetricAtTheTop) {
  auto parsed = parse_metric_value_list(R"({"kind":"MetricValueList",
    "apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"items":[
    {"describedObject":{"kind":"Deployment","namespace":"default","name":"web","apiVersion":"apps/v1"},
     "metricName":"requests_per_second","timestamp":"2025-06-01T12:00:00Z","value":"120"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].object_kind, "Deployment");
  EXPECT_EQ((*parsed)[0].metric_name, "requests_per_second");
  EXPECT_EQ((*parsed)[0].value_milli, 120000);
}

TEST(K8sMetricsApi, ExternalMetricValueList) {
  auto parsed = parse_external_metric_value_list(R"({
    "kind": "ExternalMetricValueList", "apiVersion": "external.metrics.k8s.io/v1beta1",
    "metadata": {},
    "items": [
      {"metricName": "queue_depth", "metricLabels": {"queue": "jobs", "zone": "a"},
       "timestamp": "2025-06-01T12:00:00Z", "window": 60, "value": "30"},
      {"metricName": "queue_depth", "metricLabels": null,
       "timestamp": "2025-06-01T12:00:00Z", "value": "2500m"}
    ]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].metric_name, "queue_depth");
  EXPECT_EQ((*parsed)[0].labels.at("queue"), "jobs");
  EXPECT_EQ((*parsed)[0].value_milli, 30000);
  EXPECT_TRUE((*parsed)[1].labels.empty());
  EXPECT_EQ((*parsed)[1].value_milli, 2500);
}

TEST(K8sMetricsApi, BareNumberQuantitiesAreReadAsGoReadsThem) {
  auto parsed = parse_external_metric_value_list(R"({"kind":"ExternalMetricValueList","items":[
    {"metricName":"m","metricLabels":{},"timestamp":"2025-06-01T12:00:00Z","value":2.5}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ((*parsed)[0].value_milli, 2500);
}

// Every malformed answer is an error that names the field, never a partial list.
struct BadCase {
  const char* what;
  const char* body;
  const char* path;
  const char* message_part;
};

class PodMetricsErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(PodMetricsErrors, NameTheField) {
  const BadCase& c = GetParam();
  auto parsed = parse_pod_metrics_list(c.body);
  ASSERT_FALSE(parsed.ok()) << c.what;
  EXPECT_EQ(parsed.error().path, c.path) << parsed.error().to_string();
  EXPECT_NE(parsed.error().message.find(c.message_part), std::string::npos)
      << parsed.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    K8sMetricsApi, PodMetricsErrors,
    ::testing::Values(
        BadCase{"not JSON", "{\"items\": [", "", "not JSON"},
        BadCase{"an array", "[]", "", "not a PodMetricsList"},
        BadCase{"wrong kind", R"({"kind":"Status","items":[]})", "kind", "\"Status\""},
        BadCase{"items not an array", R"({"kind":"PodMetricsList","items":{}})", "items",
                "must be an array"},
        BadCase{"no name",
                R"({"items":[{"metadata":{},"timestamp":"2025-06-01T12:00:00Z","window":"1s"}]})",
                "items[0].metadata.name", "required"},
        BadCase{"bad time",
                R"({"items":[{"metadata":{"name":"p"},"timestamp":"yesterday","window":"1s"}]})",
                "items[0].timestamp", "RFC 3339"},
        BadCase{
            "window as a number",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":15}]})",
            "items[0].window", "must be a string"},
        BadCase{
            "bad window",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":"-3s"}]})",
            "items[0].window", "duration"},
        BadCase{
            "bad quantity",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":"1s",
                   "containers":[{"name":"c","usage":{"cpu":"12x"}}]}]})",
            "items[0].containers[0].usage.cpu", "not a quantity (\"12x\")"},
        BadCase{
            "negative usage",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":"1s",
                   "containers":[{"name":"c","usage":{"cpu":"-1"}}]}]})",
            "items[0].containers[0].usage.cpu", "negative"},
        BadCase{
            "no usage",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":"1s",
                   "containers":[{"name":"c"}]}]})",
            "items[0].containers[0].usage", "required"},
        BadCase{
            "second item broken",
            R"({"items":[{"metadata":{"name":"p"},"timestamp":"2025-06-01T12:00:00Z","window":"1s"},
                   {"metadata":{"name":""},"timestamp":"2025-06-01T12:00:00Z","window":"1s"}]})",
            "items[1].metadata.name", "must not be empty"}));

TEST(K8sMetricsApi, CustomAndExternalErrorsNameTheField) {
  auto no_object = parse_metric_value_list(
      R"({"kind":"MetricValueList","items":[{"metric":{"name":"m"},"timestamp":"2025-06-01T12:00:00Z","value":"1"}]})");
  ASSERT_FALSE(no_object.ok());
  EXPECT_EQ(no_object.error().path, "items[0].describedObject");

  auto bad_window = parse_metric_value_list(
      R"({"items":[{"describedObject":{"kind":"Pod","name":"p"},"metric":{"name":"m"},
          "timestamp":"2025-06-01T12:00:00Z","windowSeconds":-5,"value":"1"}]})");
  ASSERT_FALSE(bad_window.ok());
  EXPECT_EQ(bad_window.error().path, "items[0].windowSeconds");

  auto no_value = parse_metric_value_list(
      R"({"items":[{"describedObject":{"kind":"Pod","name":"p"},"metric":{"name":"m"},
          "timestamp":"2025-06-01T12:00:00Z"}]})");
  ASSERT_FALSE(no_value.ok());
  EXPECT_EQ(no_value.error().path, "items[0].value");

  auto label_not_string = parse_external_metric_value_list(
      R"({"items":[{"metricName":"m","metricLabels":{"zone":3},
          "timestamp":"2025-06-01T12:00:00Z","value":"1"}]})");
  ASSERT_FALSE(label_not_string.ok());
  EXPECT_EQ(label_not_string.error().path, "items[0].metricLabels.zone");

  auto wrong_kind = parse_external_metric_value_list(R"({"kind":"MetricValueList","items":[]})");
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().path, "kind");

  auto value_object = parse_external_metric_value_list(
      R"({"items":[{"metricName":"m","timestamp":"2025-06-01T12:00:00Z","value":{"x":1}}]})");
  ASSERT_FALSE(value_object.ok());
  EXPECT_EQ(value_object.error().path, "items[0].value");
}

TEST(K8sMetricsApi, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = "{\"kind\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto parsed = parse_pod_metrics_list(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().path, "kind");
}

}  // namespace
}  // namespace userscale::metrics
