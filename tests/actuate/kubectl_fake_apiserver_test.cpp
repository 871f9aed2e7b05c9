// kubectl, an independent client, pointed at the fake API server through a generated
// kubeconfig: discovery, get, scale (the scale subresource) and raw reads work as they do
// against a real cluster, so the fake speaks what real clients expect.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "metrics/k8s_metrics_api.h"
#include "support/child_process.h"
#include "support/fake_apiserver.h"
#include "support/scratch_dir.h"

namespace userscale::testing {
namespace {

struct Kubectl {
  FakeApiServer& server;
  ScratchDir dir{"kubectl"};
  std::string config;
  explicit Kubectl(FakeApiServer& s, KubeconfigAuth auth = KubeconfigAuth::Token) : server(s) {
    config = server.write_kubeconfig(dir.file("kubeconfig"), auth);
  }
  // The exit code; stdout in `out`.
  int run(std::vector<std::string> args, std::string& out) {
    std::vector<std::string> argv = {
        "/usr/bin/kubectl", "--kubeconfig",    config,
        "--cache-dir",      dir.file("cache"), "--request-timeout=20s"};
    argv.insert(argv.end(), args.begin(), args.end());
    const int rc = run_to_end(argv, dir.file("out"), dir.file("err"), std::chrono::seconds(60));
    out = read_text(dir.file("out"));
    err = read_text(dir.file("err"));
    return rc;
  }
  std::string err;
};

class KubectlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/bin/kubectl")) GTEST_FAIL() << "kubectl is not installed";
    server.create(FakeApiServer::deployment("default", "web", 2, 9000));
  }
  FakeApiServer server;
};

TEST_F(KubectlTest, GetDeploymentAsJson) {
  Kubectl k(server);
  std::string out;
  ASSERT_EQ(k.run({"get", "deployment", "web", "-o", "json"}, out), 0) << k.err;
  const auto d = nlohmann::json::parse(out);
  EXPECT_EQ(d["kind"], "Deployment");
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["status"]["readyReplicas"], 2);
  ASSERT_EQ(k.run({"get", "pods", "-l", "app=web", "-o", "name"}, out), 0) << k.err;
  EXPECT_EQ(out, "pod/web-00000\npod/web-00001\n");
}

TEST_F(KubectlTest, ScaleThroughTheScaleSubresource) {
  Kubectl k(server, KubeconfigAuth::ClientCert);
  std::string out;
  ASSERT_EQ(k.run({"scale", "deployment", "web", "--replicas=4"}, out), 0) << k.err;
  EXPECT_NE(out.find("scaled"), std::string::npos) << out;
  EXPECT_GE(server.count("", "/deployments/web/scale"), 1);
  EXPECT_EQ(server.list("/api/v1/namespaces/default/pods").size(), 4u);
  ASSERT_EQ(k.run({"get", "--raw", "/apis/apps/v1/namespaces/default/deployments/web/scale"}, out),
            0)
      << k.err;
  const auto scale = nlohmann::json::parse(out);
  EXPECT_EQ(scale["kind"], "Scale");
  EXPECT_EQ(scale["apiVersion"], "autoscaling/v1");
  EXPECT_EQ(scale["spec"]["replicas"], 4);
  EXPECT_EQ(scale["status"]["selector"], "app=web");
}

TEST_F(KubectlTest, StaleResourceVersionIsRefused) {
  Kubectl k(server);
  std::string out;
  EXPECT_NE(k.run({"scale", "deployment", "web", "--replicas=3", "--resource-version=1"}, out), 0);
  // kubectl reads the Scale's resourceVersion and refuses before writing
  EXPECT_NE(k.err.find("Expected resource version to be 1"), std::string::npos) << k.err;
  EXPECT_EQ(server.count("PATCH", "/scale") + server.count("PUT", "/scale"), 0);
  EXPECT_EQ(server.list("/api/v1/namespaces/default/pods").size(), 2u);
}

TEST_F(KubectlTest, WrongTokenIsRefused) {
  Kubectl k(server);
  server.set_token("another");
  std::string out;
  EXPECT_NE(k.run({"get", "deployment", "web"}, out), 0);
  // kubectl's wording for a 401
  EXPECT_NE(k.err.find("provide credentials"), std::string::npos) << k.err;
}

// The metrics APIs as kubectl reads them: raw GETs of the three groups (their bodies then read
// by userscale's own parsers, the ones the scaler uses), and `kubectl top pod`, which finds
// metrics.k8s.io through discovery and decodes PodMetrics with the real Go types.
TEST_F(KubectlTest, MetricsApisThroughKubectl) {
  server.set_pod_usage("default", "app=web", {{"cpu", "250m"}, {"memory", "64Mi"}});
  server.set_pod_metric("default", "app=web", "requests_in_flight", "1500m");
  server.set_external_metric("default", "queue_depth", {{"queue", "jobs"}}, "30");
  Kubectl k(server);
  std::string out;
  ASSERT_EQ(k.run({"get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"}, out), 0)
      << k.err;
  auto pods = metrics::parse_pod_metrics_list(out);
  ASSERT_TRUE(pods.ok()) << pods.error().to_string() << "\n" << out;
  ASSERT_EQ(pods->size(), 2u);
  EXPECT_EQ((*pods)[0].pod, "web-00000");
  EXPECT_EQ((*pods)[0].containers.at(0).usage_milli.at("cpu"), 250);
  EXPECT_EQ(nlohmann::json::parse(out)["apiVersion"], "metrics.k8s.io/v1beta1");

  ASSERT_EQ(k.run({"get", "--raw",
                   "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/"
                   "requests_in_flight?labelSelector=app%3Dweb"},
                  out),
            0)
      << k.err;
  auto custom = metrics::parse_metric_value_list(out);
  ASSERT_TRUE(custom.ok()) << custom.error().to_string() << "\n" << out;
  ASSERT_EQ(custom->size(), 2u);
  EXPECT_EQ((*custom)[1].object_name, "web-00001");
  EXPECT_EQ((*custom)[1].value_milli, 1500);

  ASSERT_EQ(k.run({"get", "--raw",
                   "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth"
                   "?labelSelector=queue%3Djobs"},
                  out),
            0)
      << k.err;
  auto external = metrics::parse_external_metric_value_list(out);
  ASSERT_TRUE(external.ok()) << external.error().to_string() << "\n" << out;
  ASSERT_EQ(external->size(), 1u);
  EXPECT_EQ((*external)[0].value_milli, 30000);

  // A metric nobody serves is a 404, as from an adapter.
  EXPECT_NE(k.run({"get", "--raw",
                   "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/nothing"},
                  out),
            0);
  EXPECT_NE(k.err.find("NotFound"), std::string::npos) << k.err;

  ASSERT_EQ(k.run({"top", "pod", "-n", "default"}, out), 0) << k.err;
  EXPECT_NE(out.find("web-00000"), std::string::npos) << out;
  EXPECT_NE(out.find("250m"), std::string::npos) << out;
  EXPECT_NE(out.find("64Mi"), std::string::npos) << out;
  ASSERT_EQ(k.run({"api-versions"}, out), 0) << k.err;
  for (const char* gv : {"metrics.k8s.io/v1beta1", "custom.metrics.k8s.io/v1beta2",
                         "external.metrics.k8s.io/v1beta1"}) {
    EXPECT_NE(out.find(gv), std::string::npos) << gv << "\n" << out;
  }
}

}  // namespace
}  // namespace userscale::testing
