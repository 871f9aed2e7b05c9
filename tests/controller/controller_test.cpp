#include "controller/controller.h"

#include <gtest/gtest.h>

#include "config/gpu_autoscaler.h"
#include "core/policies/registry.h"
#include "fakes.h"

namespace userscale::controller {
namespace {

using testing::FakeActuator;
using testing::FakeSource;

constexpr const char* kConfig = testing::kInflightConfig;

struct Loop {
  Loop() : log({}, nullptr), ctl(clock, log, options()), actuator(1) {
    TargetSetup t = testing::target_from(kConfig, source, actuator);
    t.slo_ms = 200;
    ctl.add_target(std::move(t));
    actuator.calls.clear();
  }
  static ControllerOptions options() {
    ControllerOptions o;
    o.source_attempts = 3;
    o.retry_backoff = 0.1;
    return o;
  }
  ManualClock clock;
  DecisionLog log;
  Controller ctl;
  FakeSource source;
  FakeActuator actuator;
};

TEST(Controller, ScalesOutOnLoadAndBackInAfterIt) {
  Loop l;
  l.source.total_in_flight = 6;  // 6 in flight at 2 per pod: 3 pods
  EXPECT_EQ(l.ctl.tick_due(), 1);
  EXPECT_EQ(l.actuator.desired, 3);
  l.source.total_in_flight = 0.5;
  l.clock.advance(5);
  l.ctl.tick_due();
  EXPECT_EQ(l.actuator.desired, 1);
  EXPECT_EQ(l.actuator.calls, (std::vector<int>{3, 1}));
  const auto records = l.log.after(0, 10);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line.rfind("SCALED 1 -> 3", 0), 0u) << records[0].line;
  EXPECT_EQ(records[0].record["kind"], "scale_up");
  EXPECT_EQ(records[1].record["kind"], "scale_down");
}

// Advisory: the same decisions, published as the desired count, but the actuator is never
// asked to scale; each tick starts again from the count the actuator really has, and the
// advice does not flap (no scale event is stored for a scale that did not happen).
TEST(Controller, AdvisoryDecidesAndPublishesButNeverScales) {
  ManualClock clock;
  DecisionLog log({}, nullptr);
  Controller ctl(clock, log, Loop::options());
  FakeSource source;
  FakeActuator actuator(1);
  actuator.calls.clear();
  TargetSetup t = testing::target_from(kConfig, source, actuator);
  t.advisory = true;
  ctl.add_target(std::move(t));
  source.total_in_flight = 6;  // 3 pods
  for (int i = 0; i < 4; ++i) {
    ctl.tick_due();
    clock.advance(5);
  }
  EXPECT_TRUE(actuator.calls.empty());
  EXPECT_EQ(actuator.desired, 1);
  EXPECT_EQ(ctl.metrics().desired_replicas("default/gpu-service"), 3);
  const auto records = log.after(0, 10);
  ASSERT_EQ(records.size(), 4u);
  for (const auto& r : records) {
    EXPECT_EQ(r.record["kind"], "advise_up");
    EXPECT_EQ(r.record["desired"], 3) << r.line;
    EXPECT_EQ(r.line.rfind("ADVISED 1 -> 3", 0), 0u) << r.line;
    EXPECT_EQ(r.record["human"], r.line);
  }
  actuator.desired = 3;  // what actuates (KEDA, an HPA) applied it
  ctl.tick_due();
  EXPECT_EQ(log.after(0, 10).back().record["kind"], "hold");
  EXPECT_TRUE(actuator.calls.empty());
}

TEST(Controller, NeverLeavesMinMax) {
  Loop l;
  l.source.total_in_flight = 1000;
  for (int i = 0; i < 5; ++i) {
    l.ctl.tick_due();
    l.clock.advance(5);
  }
  EXPECT_EQ(l.actuator.desired, 4);
  l.source.total_in_flight = 0;
  for (int i = 0; i < 5; ++i) {
    l.ctl.tick_due();
    l.clock.advance(5);
  }
  EXPECT_EQ(l.actuator.desired, 1);
}

TEST(Controller, TicksOncePerSyncPeriod) {
  Loop l;
  EXPECT_EQ(l.ctl.tick_due(), 1);
  l.clock.advance(4.9);
  EXPECT_EQ(l.ctl.tick_due(), 0);
  l.clock.advance(0.1);
  EXPECT_EQ(l.ctl.tick_due(), 1);
  EXPECT_EQ(l.source.observed, 2);
}

TEST(Controller, RetriesAFailingSourceThenUsesIt) {
  Loop l;
  l.source.total_in_flight = 6;
  l.source.failures_left = 2;  // the third attempt answers
  l.ctl.tick_due();
  EXPECT_EQ(l.source.observed, 3);
  EXPECT_EQ(l.actuator.desired, 3);
  EXPECT_EQ(l.ctl.metrics().source_errors("default/gpu-service"), 2u);
}

TEST(Controller, SourceDownHoldsCountsAndRecovers) {
  Loop l;
  l.actuator.scale(3);
  l.actuator.calls.clear();
  l.source.total_in_flight = 0;  // would scale in, if it could be seen
  l.source.failures_left = 6;    // two ticks of three attempts
  for (int i = 0; i < 2; ++i) {
    l.ctl.tick_due();
    l.clock.advance(5);
  }
  EXPECT_TRUE(l.actuator.calls.empty());
  EXPECT_EQ(l.actuator.desired, 3);
  EXPECT_EQ(l.ctl.metrics().source_errors("default/gpu-service"), 6u);
  const auto held = l.log.after(0, 10);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].record["kind"], "source_error");
  EXPECT_NE(held[0].line.find("HOLD 3: source fake failed"), std::string::npos) << held[0].line;
  const std::string metrics = l.ctl.metrics_text();
  EXPECT_NE(metrics.find("userscale_source_errors_total{target=\"default/gpu-service\",source="
                         "\"fake\"} 6"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("userscale_decisions_total{target=\"default/gpu-service\",reason="
                         "\"source_error\"} 2"),
            std::string::npos);
  l.ctl.tick_due();  // the source answers again
  EXPECT_EQ(l.actuator.desired, 1);
}

TEST(Controller, StaleObservationNeverScalesDown) {
  Loop l;
  l.actuator.scale(3);
  l.actuator.calls.clear();
  l.source.total_in_flight = 0;
  l.source.sample_age = 60;  // limit: max(3 x 5 s, 10 s) = 15 s
  l.ctl.tick_due();
  EXPECT_TRUE(l.actuator.calls.empty());
  const auto r = l.log.after(0, 10);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].record["kind"], "stale");
  EXPECT_EQ(l.ctl.metrics().source_errors("default/gpu-service"), 1u);
  l.source.sample_age = 1;
  l.clock.advance(5);
  l.ctl.tick_due();
  EXPECT_EQ(l.actuator.desired, 1);
}

TEST(Controller, SnapshotFollowsTheContract) {
  Loop l;
  l.source.total_in_flight = 6;
  l.ctl.tick_due();
  const auto s = l.ctl.snapshot_json();
  EXPECT_EQ(s["source"], "local");
  EXPECT_DOUBLE_EQ(s["time"].get<double>(), l.clock.now());
  ASSERT_EQ(s["targets"].size(), 1u);
  const auto& t = s["targets"][0];
  EXPECT_EQ(t["name"], "default/gpu-service");
  EXPECT_EQ(t["policy"], "hpa");
  EXPECT_EQ(t["min"], 1);
  EXPECT_EQ(t["max"], 4);
  EXPECT_EQ(t["desired"], 3);
  EXPECT_EQ(t["current"], 1);  // the fake reads state before the scale
  EXPECT_EQ(t["pods"][0]["phase"], "ready");
  EXPECT_TRUE(t["pods"][0]["age_seconds"].is_number());
  EXPECT_DOUBLE_EQ(t["service"]["in_flight"].get<double>(), 6.0);
  EXPECT_TRUE(t["service"]["latency_p95_ms"].is_null());
  EXPECT_EQ(t["service"]["slo_ms"], 200.0);
  ASSERT_EQ(t["decisions"].size(), 1u);
  EXPECT_EQ(t["decisions"][0]["line"].get<std::string>().rfind("SCALED 1 -> 3", 0), 0u);
}

TEST(Controller, DecisionsAfterSequence) {
  Loop l;
  for (int i = 0; i < 3; ++i) {
    l.ctl.tick_due();
    l.clock.advance(5);
  }
  const auto all = l.ctl.decisions_json(0);
  EXPECT_EQ(all["next"], 3);
  ASSERT_EQ(all["records"].size(), 3u);
  EXPECT_EQ(all["records"][0]["seq"], 1);
  EXPECT_EQ(all["records"][0]["target"], "default/gpu-service");
  EXPECT_TRUE(all["records"][0]["record"].contains("human"));
  const auto later = l.ctl.decisions_json(2);
  EXPECT_EQ(later["next"], 3);
  ASSERT_EQ(later["records"].size(), 1u);
  EXPECT_EQ(later["records"][0]["seq"], 3);
  EXPECT_EQ(l.ctl.decisions_json(3)["records"].size(), 0u);
  EXPECT_EQ(l.ctl.decisions_json(3)["next"], 3);
}

TEST(Controller, RunStopsWhenAsked) {
  Loop l;
  std::atomic<bool> stop{false};
  // The manual clock jumps to every deadline; the source stops the loop after 10 ticks.
  struct StopAfter : FakeSource {
    std::atomic<bool>* stop = nullptr;
    Result<Observation> observe(const ObserveRequest& r) override {
      if (observed >= 9) *stop = true;
      return FakeSource::observe(r);
    }
  };
  (void)l;
  ManualClock clock;
  DecisionLog log;
  Controller ctl(clock, log);
  StopAfter source;
  source.stop = &stop;
  FakeActuator actuator(2);
  ctl.add_target(testing::target_from(kConfig, source, actuator));
  const Time start = clock.now();
  ctl.run(stop);
  EXPECT_EQ(source.observed, 10);
  EXPECT_DOUBLE_EQ(clock.now() - start, 45.0);
}

}  // namespace
}  // namespace userscale::controller
