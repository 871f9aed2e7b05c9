// End to end: a real `userscale scaler --world kubernetes --source metrics-api` process reads
// its metrics from the fake API server's metrics.k8s.io and custom.metrics.k8s.io APIs, as the
// HPA does, and scales a Deployment up to its max on them; a metrics outage (every metrics API
// answering 503) while the values fall does not scale it down; once the APIs answer again the
// low values do.
#include <gtest/gtest.h>

#include "kube_world_support.h"
#include "support/child_process.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using testing::eventually;
using userscale::testing::ChildProcess;
using userscale::testing::FakeApiServer;
using userscale::testing::FakeFault;
using userscale::testing::read_text;
using namespace std::chrono_literals;

json autoscaler() {
  return {
      {"apiVersion", "userscale.dev/v1alpha1"},
      {"kind", "GPUAutoscaler"},
      {"metadata", {{"name", "web"}, {"namespace", "default"}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
        {"minReplicas", 1},
        {"maxReplicas", 4},
        {"metrics",
         json::array({{{"type", "Pods"},
                       {"pods",
                        {{"metric", {{"name", "requests_in_flight"}}},
                         {"target", {{"type", "AverageValue"}, {"averageValue", "2"}}}}}},
                      {{"type", "Resource"},
                       {"resource",
                        {{"name", "cpu"},
                         {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}})},
        {"behavior",
         {{"scaleUp", {{"stabilizationWindowSeconds", 0}}},
          {"scaleDown", {{"stabilizationWindowSeconds", 0}}}}},
        {"policy", {{"name", "hpa"}}},
        {"syncPeriodSeconds", 1}}}};
}

bool scaling_inactive(const json& status, std::string* message) {
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == "ScalingActive" && c.value("status", "") == "False") {
      *message = c.value("message", "");
      return true;
    }
  }
  return false;
}

TEST(KubeScalerMetricsApi, ScalesUpOnTheMetricsApisAndHoldsThroughAnOutage) {
  FakeApiServer api;
  userscale::testing::ScratchDir dir("kube-metrics-api");
  json d = FakeApiServer::deployment("default", "web", 1, 9000);
  d["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", "500m"}}}};
  api.create(d);
  api.create(autoscaler());
  api.set_pod_usage("default", "app=web", {{"cpu", "200m"}, {"memory", "128Mi"}});  // 40 %
  api.set_pod_metric("default", "app=web", "requests_in_flight", "6");              // 3x the target
  const std::string kubeconfig = api.write_kubeconfig(dir.file("kubeconfig"));
  auto replicas = [&] {
    auto dep = api.get("/apis/apps/v1/namespaces/default/deployments/web");
    return dep ? (*dep)["spec"].value("replicas", -1) : -1;
  };
  auto status = [&] {
    auto o = api.get("/apis/userscale.dev/v1alpha1/namespaces/default/gpuautoscalers/web");
    return o && o->contains("status") ? (*o)["status"] : json::object();
  };

  const std::string out = dir.file("scaler.out"), err = dir.file("scaler.err");
  ChildProcess scaler(
      {USERSCALE_BINARY,    "scaler",  "--world",    "kubernetes",  "--kubeconfig", kubeconfig,
       "--namespace",       "default", "--source",   "metrics-api", "--run-dir",    dir.file("run"),
       "--leader-elect",    "false",   "--kube-qps", "100",         "--kube-burst", "200",
       "--source-attempts", "1",       "--duration", "150"},
      out, err);
  auto log = [&] { return read_text(out) + read_text(err); };

  int highest = 0;
  ASSERT_TRUE(eventually(
      [&] {
        highest = std::max(highest, replicas());
        return replicas() == 4;
      },
      60s))
      << log();
  EXPECT_GE(api.count("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"), 1);
  EXPECT_GE(api.count("GET",
                      "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/"
                      "requests_in_flight"),
            1);
  EXPECT_NE(log().find("source metrics-api"), std::string::npos) << log();

  // The outage first, then the values fall: no tick may see the low values before the APIs go.
  api.inject({FakeFault::Kind::Status, 503, std::nullopt, {}, "GET", "metrics.k8s.io/", 1000000});
  api.clear_metrics();
  api.set_pod_usage("default", "app=web", {{"cpu", "10m"}});
  api.set_pod_metric("default", "app=web", "requests_in_flight", "100m");
  std::string message;
  ASSERT_TRUE(eventually([&] { return scaling_inactive(status(), &message); }, 45s)) << log();
  EXPECT_NE(message.find("503"), std::string::npos) << message;
  const auto until = std::chrono::steady_clock::now() + 6s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(replicas(), 4) << "scaled down during a metrics outage\n" << log();
    std::this_thread::sleep_for(100ms);
  }

  // The APIs answer again: now the low values may scale it down, to min and not below.
  api.clear_faults();
  int lowest = 100;
  ASSERT_TRUE(eventually(
      [&] {
        lowest = std::min(lowest, replicas());
        return replicas() == 1;
      },
      60s))
      << log();
  EXPECT_LE(highest, 4) << "never past maxReplicas";
  EXPECT_GE(lowest, 1) << "never below minReplicas";
  scaler.signal(SIGTERM);
  EXPECT_EQ(scaler.wait(30s), 0) << log();
}

TEST(KubeScalerMetricsApi, RefusesAnUnknownSource) {
  FakeApiServer api;
  userscale::testing::ScratchDir dir("kube-metrics-api-flag");
  const std::string kubeconfig = api.write_kubeconfig(dir.file("kubeconfig"));
  const int rc =
      userscale::testing::run_to_end({USERSCALE_BINARY, "scaler", "--world", "kubernetes",
                                      "--kubeconfig", kubeconfig, "--source", "metrics-apis"},
                                     dir.file("out"), dir.file("err"), 30s);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(read_text(dir.file("err")).find("scrape, prometheus or metrics-api"), std::string::npos)
      << read_text(dir.file("err"));
}

}  // namespace
}  // namespace userscale::controller
