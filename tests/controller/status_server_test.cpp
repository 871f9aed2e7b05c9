// The status endpoint over real HTTP on loopback, as `userscale watch` reads it.
#include "controller/status_server.h"

#include <gtest/gtest.h>

#include "config/gpu_autoscaler.h"
#include "core/policies/registry.h"
#include "fakes.h"
#include "metrics/http_client.h"

namespace userscale::controller {
namespace {

TEST(StatusServer, ServesMetricsHealthSnapshotAndDecisions) {
  ManualClock clock;
  DecisionLog log;
  Controller ctl(clock, log);
  testing::FakeSource source;
  testing::FakeActuator actuator(2);
  auto parsed = parse_gpu_autoscaler_yaml(R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: t}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "2"}
)");
  ASSERT_TRUE(parsed.ok());
  TargetSetup t;
  t.name = "default/web";
  t.spec = parsed->spec;
  t.policy = std::move(make_policy(t.spec, t.settings)).value();
  t.source = &source;
  t.actuator = &actuator;
  ctl.add_target(std::move(t));
  source.total_in_flight = 8;
  ctl.tick_due();

  auto server = StatusServer::start(ctl, "127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.error().to_string();
  metrics::HttpClient c("127.0.0.1", std::to_string((*server)->port()), std::chrono::seconds(5));
  auto health = c.get("/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok");

  auto metrics = c.get("/metrics");  // same keep-alive connection
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("userscale_desired_replicas{target=\"default/web\"} 4"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("userscale_decisions_total{target=\"default/web\",reason="
                               "\"scale_up\"} 1"),
            std::string::npos);

  auto snap = c.get("/api/v1/snapshot");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->header("content-type").value_or(""), "application/json");
  const auto s = nlohmann::json::parse(snap->body);
  EXPECT_EQ(s["targets"][0]["desired"], 4);

  auto dec = c.get("/api/v1/decisions?after=0");
  ASSERT_TRUE(dec.ok());
  const auto d = nlohmann::json::parse(dec->body);
  EXPECT_EQ(d["next"], 1);
  EXPECT_EQ(d["records"][0]["record"]["desired"], 4);
  auto none = c.get("/api/v1/decisions?after=1");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(nlohmann::json::parse(none->body)["records"].size(), 0u);

  auto missing = c.get("/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace userscale::controller
