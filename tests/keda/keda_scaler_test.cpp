// KEDA's calls, from a real gRPC client, to a real `userscale scaler --world local --keda-port`
// (serve replicas behind HAProxy, direct scrape): the metric is the scaler's own decision, and
// it follows a scale-up under load.
#include <gtest/gtest.h>

#include "controller/live_support.h"
#include "keda/keda_client.h"

namespace userscale::keda {
namespace {

using namespace std::chrono_literals;
using controller::testing::eventually;
using controller::testing::fresh_dir;
using controller::testing::Load;
using controller::testing::Scaler;
using testing::KedaClient;

constexpr const char* kConfig = R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: keda, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gpu-service}
  minReplicas: 1
  maxReplicas: 2
  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "1"}
  behavior:
    scaleUp: {stabilizationWindowSeconds: 0}
  syncPeriodSeconds: 1
)";

int keda_port(const std::string& output) {
  const std::string marker = "KEDA external scaler on 127.0.0.1:";
  const auto at = output.find(marker);
  return at == std::string::npos ? 0 : std::stoi(output.substr(at + marker.size()));
}

int64_t metric(KedaClient& c, const externalscaler::ScaledObjectRef& ref) {
  externalscaler::GetMetricsResponse m;
  if (!c.metrics(ref, "s0-desired-replicas", m).ok() || m.metricvalues_size() != 1) return -1;
  return m.metricvalues(0).metricvalue();
}

TEST(KedaScaler, KedaSeesTheScalersDecisionsOverGrpc) {
  Scaler s(fresh_dir("keda"), kConfig, {"--source", "scrape", "--window", "2", "--keda-port", "0"});
  ASSERT_TRUE(s.start()) << s.output();
  int port = 0;
  ASSERT_TRUE(eventually([&] { return (port = keda_port(s.output())) > 0; }, 30s)) << s.output();
  KedaClient c(port);

  const auto ref = KedaClient::ref("default", {{"target", "gpu-service"}});
  externalscaler::GetMetricSpecResponse spec;
  ASSERT_TRUE(c.metric_spec(ref, spec).ok());
  ASSERT_EQ(spec.metricspecs_size(), 1);
  EXPECT_EQ(spec.metricspecs(0).targetsize(), 1);

  // After the first tick: 1 replica, active, and the gauge on /metrics says the same.
  ASSERT_TRUE(eventually([&] { return metric(c, ref) == 1; }, 60s)) << s.output();
  bool active = false;
  ASSERT_TRUE(c.is_active(ref, active).ok());
  EXPECT_TRUE(active);
  EXPECT_NE(
      s.get_text("/metrics").find("userscale_desired_replicas{target=\"default/gpu-service\"} 1"),
      std::string::npos);

  // A target this scaler does not scale: UNAVAILABLE (KEDA holds), never a 0.
  externalscaler::GetMetricsResponse none;
  EXPECT_EQ(c.metrics(KedaClient::ref("default", {{"target", "other"}}), "desired-replicas", none)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // Load: 3 requests in flight against 1 per replica -> the scaler decides 2, and KEDA sees 2.
  ASSERT_TRUE(eventually([&] { return s.field("ready") == 1; }, 60s)) << s.output();
  Load load(s.haproxy_port(), "/stream?duration_ms=300");
  load.add_workers(3);
  ASSERT_TRUE(eventually([&] { return metric(c, ref) == 2; }, 90s)) << s.output();
  EXPECT_EQ(s.field("desired"), 2);
  load.stop_all();
  EXPECT_EQ(s.interrupt(), 0) << s.output();
}

}  // namespace
}  // namespace userscale::keda
