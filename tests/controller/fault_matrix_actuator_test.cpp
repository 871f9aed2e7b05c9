// Fault matrix, "the actuator returning errors or conflicts mid-scale" (docs/fault-matrix.md),
// with a fake actuator: the Kubernetes API rows (409 Conflict on the scale subresource, 5xx,
// timeouts) are filled by the Kubernetes world's tests against its API fake. The controller
// must not crash, not count a failed scale as done, say so in the record and the metrics,
// stay within bounds, and finish the scale when the actuator works again.
#include <gtest/gtest.h>

#include "config/gpu_autoscaler.h"
#include "controller/controller.h"
#include "core/policies/registry.h"
#include "fakes.h"

namespace userscale::controller {
namespace {

using testing::FakeActuator;
using testing::FakeSource;

constexpr const char* kConfig = testing::kInflightConfig;

// Fails the next `failures` calls of scale() (a conflict, or the write lands but the answer
// is lost: `applied`), and state() while `state_down`.
class FlakyActuator : public FakeActuator {
 public:
  FlakyActuator() : FakeActuator(1) {}
  Result<ActuatorState> state() override {
    if (state_down) return Error{"actuator", "GET scale: connection refused"};
    return FakeActuator::state();
  }
  Status scale(std::int32_t n) override {
    if (failures > 0) {
      --failures;
      if (applied) FakeActuator::scale(n);
      ++failed_calls;
      return Error{"conflict",
                   "the object has been modified; please apply your changes to the "
                   "latest version and try again"};
    }
    return FakeActuator::scale(n);
  }
  int failures = 0;
  bool applied = false;
  bool state_down = false;
  int failed_calls = 0;
};

struct Loop {
  Loop() {
    ctl.add_target(testing::target_from(kConfig, source, actuator));
    actuator.calls.clear();
  }
  void tick() {
    ctl.tick_due();
    EXPECT_GE(actuator.desired, 1);
    EXPECT_LE(actuator.desired, 4);
    clock.advance(5);
  }
  std::string metric(const std::string& reason) const {
    const std::string text = ctl.metrics_text();
    const std::string key =
        "userscale_decisions_total{target=\"default/gpu-service\",reason=\"" + reason + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos
               ? "absent"
               : text.substr(at + key.size(), text.find('\n', at) - at - key.size());
  }
  ManualClock clock;
  DecisionLog log;
  Controller ctl{clock, log};
  FakeSource source;
  FlakyActuator actuator;
};

TEST(FaultMatrixActuator, ConflictOnScaleUpIsReportedThenRetriedNextTick) {
  Loop l;
  l.source.total_in_flight = 6;  // wants 3
  l.actuator.failures = 2;
  l.tick();
  l.tick();
  EXPECT_EQ(l.actuator.desired, 1);  // nothing applied, nothing pretended
  const auto held = l.log.after(0, 10);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].record["kind"], "actuator_error");
  EXPECT_NE(held[0].line.find("scale failed"), std::string::npos) << held[0].line;
  EXPECT_NE(held[0].line.find("conflict"), std::string::npos) << held[0].line;
  EXPECT_EQ(l.metric("actuator_error"), "2");
  // The snapshot shows what runs, not what was asked for and refused.
  EXPECT_EQ(l.ctl.snapshot_json()["targets"][0]["desired"], 1);
  l.tick();  // the API server takes it now
  EXPECT_EQ(l.actuator.desired, 3);
  EXPECT_EQ(l.log.after(0, 10).back().record["kind"], "scale_up");
}

TEST(FaultMatrixActuator, ScaleThatLandedButAnsweredAnErrorIsNotDoubled) {
  Loop l;
  l.source.total_in_flight = 6;  // wants 3
  l.actuator.failures = 1;
  l.actuator.applied = true;  // the write went through; the answer was lost
  l.tick();
  EXPECT_EQ(l.actuator.desired, 3);
  EXPECT_EQ(l.log.after(0, 10).back().record["kind"], "actuator_error");
  // Next tick reads 3 from the actuator and, with the same load, has nothing to do.
  l.tick();
  EXPECT_EQ(l.actuator.desired, 3);
  EXPECT_EQ(l.actuator.calls, (std::vector<int>{3}));
  EXPECT_EQ(l.log.after(0, 10).back().record["kind"], "hold");
}

TEST(FaultMatrixActuator, ConflictOnScaleDownKeepsTheReplicas) {
  Loop l;
  l.actuator.FakeActuator::scale(4);
  l.actuator.calls.clear();
  l.source.total_in_flight = 0;  // wants 1
  l.actuator.failures = 3;
  for (int i = 0; i < 3; ++i) l.tick();
  EXPECT_EQ(l.actuator.desired, 4);
  EXPECT_EQ(l.actuator.failed_calls, 3);
  EXPECT_EQ(l.metric("actuator_error"), "3");
  l.tick();
  EXPECT_EQ(l.actuator.desired, 1);
}

TEST(FaultMatrixActuator, UnreadableTargetHoldsWithoutAsking) {
  Loop l;
  l.source.total_in_flight = 2;  // one replica is right
  l.tick();
  l.source.total_in_flight = 6;
  l.actuator.state_down = true;
  l.tick();
  l.tick();
  EXPECT_TRUE(l.actuator.calls.empty());
  EXPECT_EQ(l.source.observed, 1);  // no state, no observation, no guess
  const auto r = l.log.after(1, 10);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].record["kind"], "actuator_error");
  // The last known count, not 0: an unreadable target is not a target scaled to zero.
  EXPECT_EQ(r[0].line.rfind("HOLD 1: cannot read the target's state", 0), 0u) << r[0].line;
  EXPECT_NE(
      l.ctl.metrics_text().find("userscale_desired_replicas{target=\"default/gpu-service\"} 1"),
      std::string::npos)
      << l.ctl.metrics_text();
  EXPECT_EQ(l.metric("actuator_error"), "2");
  l.actuator.state_down = false;
  l.tick();
  EXPECT_EQ(l.actuator.desired, 3);
}

}  // namespace
}  // namespace userscale::controller
