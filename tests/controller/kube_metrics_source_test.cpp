// The metrics-API source against the fake API server over TLS: the three metrics APIs read
// through the real KubeClient, the answers turned into what the HPA reads (per-pod usage and
// custom values, an object's value, external series) and into the pods' serving signals; a pod
// left out or an API that answers 404/503 leaves the values missing, and the HPA policy on such
// an observation never scales down.
#include <gtest/gtest.h>

#include "actuate/kube/informer.h"
#include "actuate/kube/kube_client.h"
#include "config/gpu_autoscaler.h"
#include "controller/kube_actuator.h"
#include "controller/kube_metrics_paths.h"
#include "controller/kube_metrics_source.h"
#include "controller/observation_checks.h"
#include "core/policies/registry.h"
#include "core/reconcile.h"
#include "kube_world_support.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using userscale::testing::FakeApiServer;
using userscale::testing::FakeFault;
using namespace std::chrono_literals;

constexpr const char* kSpec = R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Pods
    pods:
      metric: {name: requests_in_flight, selector: {matchLabels: {verb: GET}}}
      target: {type: AverageValue, averageValue: "2"}
  - type: Object
    object:
      describedObject: {apiVersion: apps/v1, kind: Deployment, name: web}
      metric: {name: requests_per_second}
      target: {type: Value, value: "100"}
  - type: External
    external:
      metric: {name: queue_depth, selector: {matchLabels: {queue: jobs}}}
      target: {type: AverageValue, averageValue: "10"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 0}
  policy: {name: hpa}
)";

// A Deployment whose pods request 500m CPU (or nothing), the pod informer, the actuator for its
// replicas and selector, and the source under test.
struct MetricsWorld {
  FakeApiServer api;
  userscale::testing::ScratchDir dir{"kube-metrics-source"};
  std::unique_ptr<actuate::kube::KubeClient> client;
  std::unique_ptr<actuate::kube::Informer> pods;
  std::unique_ptr<KubernetesActuator> actuator;
  std::unique_ptr<KubeMetricsSource> source;
  AutoscalerSpec spec;

  explicit MetricsWorld(int replicas, bool cpu_request = true, double fallback_cores = 1.0,
                        bool serving = false) {
    json d = FakeApiServer::deployment("default", "web", replicas, 9000);
    if (cpu_request) {
      d["spec"]["template"]["spec"]["containers"][0]["resources"] = {
          {"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}}};
    }
    api.create(d);
    auto config = actuate::kube::load_kubeconfig(api.write_kubeconfig(dir.file("kubeconfig")));
    actuate::kube::KubeClientOptions co;
    co.qps = 1000;
    co.burst = 1000;
    co.backoff.base = 10ms;
    co.backoff.cap = 20ms;
    client = std::move(actuate::kube::KubeClient::create(*config, co)).value();
    pods = std::make_unique<actuate::kube::Informer>(
        *client,
        actuate::kube::InformerOptions{"/api/v1/namespaces/default/pods", "", 300, 200ms, {}});
    pods->start();
    EXPECT_TRUE(pods->wait_synced(20s));
    actuator = std::make_unique<KubernetesActuator>(
        *client, *pods, KubeTargetRef{"default", "apps/v1", "Deployment", "web"});
    auto parsed = parse_gpu_autoscaler_yaml(kSpec);
    EXPECT_TRUE(parsed.ok());
    spec = parsed.value().spec;
    KubeMetricsSourceOptions o;
    o.namespace_name = "default";
    o.selector = [a = actuator.get()] { return a->selector(); };
    o.metrics = spec.metrics;
    o.serving_metrics = serving;  // as KubeWorld sets it: the hpa policy reads spec.metrics
    o.cpu_request_cores = fallback_cores;
    source = std::make_unique<KubeMetricsSource>(*client, pods.get(), o);
  }

  // One tick as the controller makes it: the actuator's state, then the source.
  Result<Observation> observe() {
    testing::eventually(
        [&] {
          auto st = actuator->state();
          return st.ok() && static_cast<int>(st->replicas.size()) == st->desired;
        },
        10s);
    auto st = actuator->state();
    if (!st.ok()) return st.error();
    auto obs = source->observe({1e9, st->replicas, 2000ms});
    if (obs.ok()) {
      obs->scale.spec_replicas = st->desired;
      obs->scale.status_replicas = st->current;
      obs->scale.selector = actuator->selector();
    }
    return obs;
  }

  Decision decide(const Observation& obs) {
    HpaSettings settings;
    auto policy = make_policy(spec, settings);
    EXPECT_TRUE(policy.ok());
    BehaviorState state;
    Observation o = obs;
    o.now = 2e9;  // long after every pod started: no CPU initialization period
    return reconcile(**policy, spec, settings, state, o);
  }
};

const PodInfo* pod_named(const Observation& obs, const std::string& name) {
  for (const auto& p : obs.pods) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST(KubeMetricsPaths, AsTheHpasClientsBuildThem) {
  EXPECT_EQ(pod_metrics_path("gpu", "app=web,tier in (a,b)"),
            "/apis/metrics.k8s.io/v1beta1/namespaces/gpu/pods"
            "?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29");
  EXPECT_EQ(custom_pods_metric_path("gpu", "requests_in_flight", "app=web", ""),
            "/apis/custom.metrics.k8s.io/v1beta2/namespaces/gpu/pods/*/requests_in_flight"
            "?labelSelector=app%3Dweb");
  EXPECT_EQ(custom_pods_metric_path("gpu", "m", "app=web", "verb=GET"),
            "/apis/custom.metrics.k8s.io/v1beta2/namespaces/gpu/pods/*/m"
            "?labelSelector=app%3Dweb&metricLabelSelector=verb%3DGET");
  EXPECT_EQ(custom_object_metric_path("gpu", {"apps/v1", "Deployment", "web"}, "rps", ""),
            "/apis/custom.metrics.k8s.io/v1beta2/namespaces/gpu/deployments.apps/web/rps");
  EXPECT_EQ(external_metric_path("gpu", "queue_depth", "queue=jobs"),
            "/apis/external.metrics.k8s.io/v1beta1/namespaces/gpu/queue_depth"
            "?labelSelector=queue%3Djobs");
  EXPECT_EQ(custom_metrics_resource({"v1", "Service", "s"}), "services");
  EXPECT_EQ(custom_metrics_resource({"networking.k8s.io/v1", "Ingress", "i"}),
            "ingresses.networking.k8s.io");
  EXPECT_EQ(custom_metrics_resource({"example.com/v1", "Queue", "q"}), "queues.example.com");
  EXPECT_EQ(custom_metrics_resource({"example.com/v1", "Policy", "q"}), "policies.example.com");
  EXPECT_EQ(custom_metrics_resource({"example.com/v1", "Gateway", "q"}), "gateways.example.com");
  EXPECT_EQ(custom_metrics_resource({"example.com/v1", "Mailbox", "q"}), "mailboxes.example.com");
}

TEST(ApplyPodSpec, RequestsAsTheHpaReadsThem) {
  json pod = {
      {"metadata", {{"name", "p"}, {"labels", {{"app", "web"}}}}},
      {"spec",
       {{"containers",
         json::array(
             {{{"name", "a"}, {"resources", {{"requests", {{"cpu", "250m"}}}}}}, {{"name", "b"}}})},
        {"initContainers",
         json::array({{{"name", "sidecar"},
                       {"restartPolicy", "Always"},
                       {"resources", {{"requests", {{"cpu", "100m"}}}}}},
                      {{"name", "init"}, {"resources", {{"requests", {{"cpu", "2"}}}}}}})}}}};
  PodInfo p;
  apply_pod_spec(p, pod, 1.0);
  EXPECT_EQ(p.labels.at("app"), "web");
  ASSERT_EQ(p.containers.size(), 3u);  // the one-shot init container does not count
  EXPECT_EQ(p.containers[0].requests_milli.at("cpu"), 250);
  EXPECT_EQ(p.containers[2].name, "sidecar");
  EXPECT_TRUE(p.pod_requests_milli.empty());

  json bare = {{"metadata", {{"name", "q"}}},
               {"spec", {{"containers", json::array({{{"name", "a"}}})}}}};
  PodInfo q;
  apply_pod_spec(q, bare, 0.25);
  EXPECT_EQ(q.pod_requests_milli.at("cpu"), 250);  // --cpu-request for a pod without one
}

TEST(KubeMetricsSource, FillsWhatTheHpaAndThePoliciesRead) {
  MetricsWorld w(2);
  w.api.set_pod_usage("default", "app=web", {{"cpu", "250m"}, {"memory", "64Mi"}});
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "3", {{"verb", "GET"}});
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "50", {{"verb", "POST"}});
  w.api.set_object_metric("default", "deployments.apps", "Deployment", "web", "requests_per_second",
                          "120");
  w.api.set_external_metric("default", "queue_depth", {{"queue", "jobs"}}, "30");
  w.api.set_external_metric("default", "queue_depth", {{"queue", "other"}}, "1000");
  auto obs = w.observe();
  ASSERT_TRUE(obs.ok()) << obs.error().to_string();
  ASSERT_EQ(obs->pods.size(), 2u);

  ASSERT_TRUE(obs->pod_metrics.has_value());
  ASSERT_EQ(obs->pod_metrics->size(), 2u);
  EXPECT_EQ((*obs->pod_metrics)[0].containers[0].usage_milli.at("cpu"), 250);
  EXPECT_DOUBLE_EQ((*obs->pod_metrics)[0].window, 10.5);
  for (const auto& p : obs->pods) {
    EXPECT_EQ(p.containers[0].requests_milli.at("cpu"), 500) << p.name;
    EXPECT_EQ(p.labels.at("app"), "web");
    ASSERT_TRUE(p.serving.cpu_utilization) << p.name;
    EXPECT_DOUBLE_EQ(*p.serving.cpu_utilization, 50.0);
    ASSERT_TRUE(p.serving.sample_time) << p.name;
    EXPECT_NEAR(*p.serving.sample_time, static_cast<double>(std::time(nullptr)), 5.0);
    EXPECT_FALSE(p.serving.in_flight) << "no serving signals asked for";
  }
  int in_flight = 0, object = 0;
  for (const auto& v : obs->custom_metrics) {
    if (v.metric_name == "requests_in_flight") {
      EXPECT_EQ(v.object_kind, "Pod");
      EXPECT_EQ(v.value_milli, 3000) << "the metricLabelSelector verb=GET picks the GET series";
      ++in_flight;
    }
    if (v.metric_name == "requests_per_second") {
      EXPECT_EQ(v.object_kind, "Deployment");
      EXPECT_EQ(v.object_name, "web");
      EXPECT_EQ(v.value_milli, 120000);
      ++object;
    }
  }
  EXPECT_EQ(in_flight, 2);
  EXPECT_EQ(object, 1);
  ASSERT_EQ(obs->external_metrics.size(), 1u) << "the labelSelector queue=jobs";
  EXPECT_EQ(obs->external_metrics[0].value_milli, 30000);
  EXPECT_GE(w.api.count("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"), 1);

  // The HPA on this observation: cpu 50% of 50% -> 2, in flight 3/2 -> 3, rps 120/100 -> 3
  // (1.2 x 2), queue 30/10 -> 3. The largest wins.
  const Decision d = w.decide(*obs);
  EXPECT_TRUE(d.metrics_evaluated) << d.reason;
  EXPECT_EQ(d.desired_replicas, 3) << d.reason;
}

TEST(KubeMetricsSource, ServingSignalsByTheirCustomMetricNames) {
  MetricsWorld w(1, false, 0.25, true);
  w.api.set_pod_usage("default", "app=web", {{"cpu", "100m"}});
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "4");
  w.api.set_pod_metric("default", "app=web", "requests_queued", "1500m");
  w.api.set_pod_metric("default", "app=web", "request_latency_ms", "250");
  w.api.set_pod_metric("default", "app=web", "DCGM_FI_DEV_GPU_UTIL", "87");
  auto obs = w.observe();
  ASSERT_TRUE(obs.ok()) << obs.error().to_string();
  ASSERT_EQ(obs->pods.size(), 1u);
  const ServingSignals& s = obs->pods[0].serving;
  EXPECT_EQ(s.in_flight.value_or(-1), 4.0);
  EXPECT_EQ(s.queued.value_or(-1), 1.5);
  EXPECT_EQ(s.latency_mean_ms.value_or(-1), 250.0);
  EXPECT_EQ(s.gpu_utilization.value_or(-1), 87.0);
  EXPECT_FALSE(s.arrival_rate) << "requests_per_second is served by nobody: 404, missing";
  EXPECT_DOUBLE_EQ(s.cpu_utilization.value_or(-1), 40.0) << "100m of the 250m fallback request";
}

TEST(KubeMetricsSource, APodLeftOutStaysMissingAndWithholdsAScaleDown) {
  MetricsWorld w(3);
  w.api.set_pod_usage("default", "app=web", {{"cpu", "50m"}});  // 10%: wants fewer
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "100m", {{"verb", "GET"}});
  w.api.set_object_metric("default", "deployments.apps", "Deployment", "web", "requests_per_second",
                          "1");
  w.api.set_external_metric("default", "queue_depth", {{"queue", "jobs"}}, "0");
  auto all = w.observe();
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  const Decision down = w.decide(*all);
  ASSERT_LT(down.desired_replicas, 3) << "the test must be able to fail: " << down.reason;

  w.api.hide_pod_metrics("default", "web-00001");
  auto obs = w.observe();
  ASSERT_TRUE(obs.ok()) << obs.error().to_string();
  EXPECT_EQ(obs->pod_metrics->size(), 2u);
  const PodInfo* hidden = pod_named(*obs, "web-00001");
  ASSERT_NE(hidden, nullptr);
  EXPECT_FALSE(hidden->serving.sample_time) << "no fresh sample: the controller withholds";
  EXPECT_FALSE(hidden->serving.cpu_utilization);
  EXPECT_TRUE(pod_named(*obs, "web-00000")->serving.sample_time);
  // The controller's rule: a ready pod without a fresh sample withholds any scale-down.
  const Coverage c = sample_coverage(*obs, static_cast<double>(std::time(nullptr)), 30.0);
  EXPECT_EQ(c.ready, 3);
  EXPECT_EQ(c.reporting, 2);
  EXPECT_FALSE(c.complete());
}

TEST(KubeMetricsSource, AnApiThatAnswers503Or404LeavesItsMetricsMissing) {
  MetricsWorld w(2);
  w.api.set_pod_usage("default", "app=web", {{"cpu", "50m"}});
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "100m", {{"verb", "GET"}});
  w.api.set_object_metric("default", "deployments.apps", "Deployment", "web", "requests_per_second",
                          "1");
  w.api.set_external_metric("default", "queue_depth", {{"queue", "jobs"}}, "0");
  ASSERT_LT(w.decide(w.observe().value()).desired_replicas, 2);

  // The custom metrics adapter is down: the resource metrics still answer, so the
  // observation holds those (and the external ones), and the HPA does not scale down on the
  // Pods and Object metrics being invalid.
  w.api.inject({FakeFault::Kind::Status,
                503,
                std::nullopt,
                {},
                "GET",
                "/apis/custom.metrics.k8s.io/",
                1000});
  auto partial = w.observe();
  ASSERT_TRUE(partial.ok()) << partial.error().to_string();
  EXPECT_TRUE(partial->custom_metrics.empty());
  ASSERT_TRUE(partial->pod_metrics.has_value());
  EXPECT_EQ(partial->pod_metrics->size(), 2u);
  const Decision hold = w.decide(*partial);
  EXPECT_EQ(hold.desired_replicas, 2) << hold.reason;
  EXPECT_FALSE(hold.recommendation.valid);
  EXPECT_NE(hold.recommendation.reason.find("invalid metrics (2 invalid out of 4)"),
            std::string::npos)
      << hold.recommendation.reason;

  // Every metrics API down (503 from the aggregator, then 404: the APIServices gone): an
  // error naming the answers, on which the controller holds.
  w.api.inject({FakeFault::Kind::Status, 503, std::nullopt, {}, "GET", "metrics.k8s.io/", 1000});
  auto none = w.observe();
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().to_string().find("503"), std::string::npos) << none.error().to_string();
  EXPECT_NE(none.error().to_string().find("/apis/metrics.k8s.io/v1beta1"), std::string::npos);
  w.api.clear_faults();
  w.api.inject({FakeFault::Kind::Status, 404, std::nullopt, {}, "GET", "metrics.k8s.io/", 1000});
  auto gone = w.observe();
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().to_string().find("404"), std::string::npos) << gone.error().to_string();

  // Back: values again.
  w.api.clear_faults();
  auto back = w.observe();
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->external_metrics.size(), 1u);
}

TEST(KubeMetricsSource, AMalformedAnswerIsMissingNotZero) {
  MetricsWorld w(1);
  w.api.set_pod_usage("default", "app=web", {{"cpu", "12x"}});  // not a quantity
  w.api.set_pod_metric("default", "app=web", "requests_in_flight", "1", {{"verb", "GET"}});
  auto obs = w.observe();
  ASSERT_TRUE(obs.ok()) << obs.error().to_string();
  EXPECT_FALSE(obs->pod_metrics.has_value()) << "a bad answer is no answer";
  EXPECT_FALSE(obs->pods[0].serving.cpu_utilization);
}

}  // namespace
}  // namespace userscale::controller
