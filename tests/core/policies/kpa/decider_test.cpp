// The decider (kpa-spec.md §5, §7): the spec's worked examples, the initial state rule and
// invalid decisions.
#include "core/policies/kpa/decider.h"

#include <gtest/gtest.h>

namespace userscale::kpa {
namespace {

DeciderSpec defaults() {
  return make_decider_spec(KpaKnobs{});
}

DeciderSpec with_target(double target) {
  KpaKnobs k;
  k.target = target;
  k.target_utilization_percentage = 100;
  return make_decider_spec(k);
}

TEST(Decider, WorkedExample1StableGrowth) {
  Decider d(defaults(), 0, 1);
  ScaleResult r = d.scale(10, 300, 320, 4);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_pod_count, 5);
  EXPECT_EQ(r.excess_burst_capacity, -131);  // floor(4 x 100 - 211 - 320)
  EXPECT_FALSE(d.in_panic());
  EXPECT_EQ(d.last_trace().max_scale_up, 4000);
  EXPECT_EQ(d.last_trace().max_scale_down, 2);
}

TEST(Decider, WorkedExample2PanicHoldsThenEnds) {
  Decider d(defaults(), 0, 1);
  ScaleResult r = d.scale(10, 320, 700, 4);
  EXPECT_EQ(r.desired_pod_count, 10);
  EXPECT_TRUE(d.in_panic());
  EXPECT_EQ(d.panic_time(), 10);
  EXPECT_EQ(d.max_panic_pods(), 10);
  EXPECT_EQ(d.last_trace().panic_change, PanicChange::Started);

  r = d.scale(30, 200, 100, 10);  // faded, but panic began < 60 s ago
  EXPECT_EQ(r.desired_pod_count, 10);
  EXPECT_TRUE(d.in_panic());
  EXPECT_EQ(d.last_trace().stable_want, 5);  // 3 raised to floor(10 / 2)
  EXPECT_EQ(d.last_trace().panic_want, 5);

  r = d.scale(70, 200, 100, 10);  // exactly 60 s after: the exit test is strict
  EXPECT_EQ(r.desired_pod_count, 10);
  EXPECT_TRUE(d.in_panic());

  r = d.scale(71, 200, 100, 10);  // 61 s after the last over-threshold decision
  EXPECT_EQ(r.desired_pod_count, 5);
  EXPECT_FALSE(d.in_panic());
  EXPECT_EQ(d.max_panic_pods(), 0);
  EXPECT_EQ(d.last_trace().panic_change, PanicChange::Ended);
}

TEST(Decider, WorkedExample3RateLimits) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.max_scale_up_rate = 10;
  k.max_scale_down_rate = 10;
  k.panic_threshold_percentage = 100000;  // keep panic out of the way
  Decider up(make_decider_spec(k), 0, 0);
  EXPECT_EQ(up.scale(0, 1000, 1000, 1).desired_pod_count, 10);
  Decider down(make_decider_spec(k), 0, 0);
  EXPECT_EQ(down.scale(0, 1, 1, 100).desired_pod_count, 10);
}

TEST(Decider, WorkedExample4ScaleDownDelay) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.scale_down_delay_seconds = 300;
  k.panic_threshold_percentage = 10000;
  Decider d(make_decider_spec(k), 0, 0);
  EXPECT_TRUE(d.has_delay_window());
  EXPECT_EQ(d.scale(2, 40, 40, 0).desired_pod_count, 4);
  EXPECT_EQ(d.scale(300, 0, 0, 0).desired_pod_count, 4);
  EXPECT_EQ(d.last_trace().before_delay, 0);
  EXPECT_EQ(d.scale(302, 0, 0, 0).desired_pod_count, 0);
}

TEST(Decider, ScaleDownDelayIsSkippedForAnUnreachableRevision) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.scale_down_delay_seconds = 300;
  k.panic_threshold_percentage = 10000;
  Decider d(make_decider_spec(k), 0, 0);
  EXPECT_EQ(d.scale(2, 40, 40, 0).desired_pod_count, 4);
  k.reachable = false;
  d.update(make_decider_spec(k));
  EXPECT_EQ(d.scale(60, 0, 0, 0).desired_pod_count, 0);
}

TEST(Decider, NoDelayWindowWhenCreatedWithoutDelay) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.panic_threshold_percentage = 10000;
  Decider d(make_decider_spec(k), 0, 0);
  EXPECT_FALSE(d.has_delay_window());
  EXPECT_EQ(d.scale(0, 40, 40, 0).desired_pod_count, 4);
  // Same 2-s slot: a one-slot window would keep the 4.
  EXPECT_EQ(d.scale(0.5, 20, 20, 0).desired_pod_count, 2);
}

TEST(Decider, WorkedExample5FromWindowAverages) {
  Decider d(with_target(1), 0, 0);
  ScaleResult r = d.scale(9, 5.5, 8.5, 3);
  EXPECT_EQ(r.desired_pod_count, 9);
  EXPECT_TRUE(d.in_panic());
  EXPECT_EQ(d.last_trace().stable_wish, 6);
  EXPECT_EQ(d.last_trace().panic_wish, 9);
}

TEST(Decider, WorkedExample6ActivationScale) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.activation_scale = 2;
  Decider d(make_decider_spec(k), 0, 0);
  EXPECT_EQ(d.scale(0, 0, 0, 1).desired_pod_count, 0);  // zero stays zero
  EXPECT_EQ(d.scale(2, 1, 0, 1).desired_pod_count, 2);  // ceil(0.1) = 1, raised to 2
}

TEST(Decider, WorkedExample7ExcessBurstCapacity) {
  KpaKnobs k;
  k.target = 10 / 0.75;
  k.target_utilization_percentage = 75;
  k.target_burst_capacity = 100;
  Decider d(make_decider_spec(k), 0, 0);
  EXPECT_EQ(d.scale(0, 50, 50, 1).excess_burst_capacity, -137);
}

TEST(Decider, ExcessBurstCapacityVariants) {
  KpaKnobs k;
  k.target_burst_capacity = 0;
  EXPECT_EQ(Decider(make_decider_spec(k), 0, 0).scale(0, 500, 500, 1).excess_burst_capacity, 0);
  k.target_burst_capacity = -1;
  EXPECT_EQ(Decider(make_decider_spec(k), 0, 0).scale(0, 0, 0, 5).excess_burst_capacity, -1);
  // Zero ready pods: R0 (not R = 1) is used, so EBC = floor(-TBC - P).
  k.target_burst_capacity = 81;
  EXPECT_EQ(Decider(make_decider_spec(k), 0, 0).scale(0, 10, 888.5, 0).excess_burst_capacity, -970);
}

TEST(Decider, InitialStateRule) {
  for (int count : {0, 1}) {
    Decider d(defaults(), 100, count);
    EXPECT_FALSE(d.in_panic()) << count;
    EXPECT_EQ(d.max_panic_pods(), count);
  }
  Decider failed(defaults(), 100, std::nullopt);
  EXPECT_FALSE(failed.in_panic());
  EXPECT_EQ(failed.max_panic_pods(), 0);

  Decider d(defaults(), 100, 2);
  EXPECT_TRUE(d.in_panic());
  EXPECT_EQ(d.panic_time(), 100);
  EXPECT_EQ(d.max_panic_pods(), 2);
  // No load: it still holds the two pods until a stable window has passed.
  EXPECT_EQ(d.scale(110, 0, 0, 2).desired_pod_count, 2);
  EXPECT_EQ(d.scale(160, 0, 0, 2).desired_pod_count, 2);
  EXPECT_EQ(d.scale(161, 0, 0, 2).desired_pod_count, 1);  // floor(2 / 2)
  EXPECT_FALSE(d.in_panic());
}

TEST(Decider, InvalidDecisionsLeaveStateUntouched) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.scale_down_delay_seconds = 10;
  Decider d(make_decider_spec(k), 0, 1);
  EXPECT_EQ(d.scale(0, 50, 100, 1).desired_pod_count, 10);  // panics
  ASSERT_TRUE(d.in_panic());

  ScaleResult bad = d.scale(100, std::nullopt, 1);
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.desired_pod_count, 0);
  EXPECT_EQ(bad.excess_burst_capacity, 0);
  bad = d.scale(100, StableAndPanic{0, 0}, std::nullopt);
  EXPECT_FALSE(bad.valid);
  EXPECT_TRUE(d.in_panic());  // 100 s after, a valid decision would have ended the panic
  EXPECT_EQ(d.panic_time(), 0);
  EXPECT_EQ(d.max_panic_pods(), 10);

  // The panic that began at t=0 still holds its high-water mark for a valid decision at t=1.
  ScaleResult r = d.scale(1, 0, 0, 1);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_pod_count, 10);
}

TEST(Decider, PanicTestUsesUnclampedWishAndStableWishCounts) {
  KpaKnobs k;
  k.target = 1;
  k.target_utilization_percentage = 100;
  k.max_scale_up_rate = 1.1;
  Decider d(make_decider_spec(k), 0, 0);
  // dppc = ceil(3.1) = 4; 4 / 2 >= 2 although both wants are capped at ceil(1.1 x 2) = 3.
  ScaleResult r = d.scale(0, 3, 3.1, 2);
  EXPECT_EQ(r.desired_pod_count, 3);
  EXPECT_TRUE(d.in_panic());

  Decider stable_larger(with_target(1), 0, 5);  // starts in panic, holding 5
  EXPECT_EQ(stable_larger.scale(5, 50, 30, 5).desired_pod_count, 50);
}

TEST(Decider, UnreachableMayDropToZeroAtOnce) {
  KpaKnobs k;
  k.target = 10;
  k.target_utilization_percentage = 100;
  k.max_scale_down_rate = 1.1;
  Decider reachable(make_decider_spec(k), 0, 0);
  EXPECT_EQ(reachable.scale(0, 1, 1, 100).desired_pod_count, 90);
  k.reachable = false;
  Decider unreachable(make_decider_spec(k), 0, 0);
  EXPECT_EQ(unreachable.scale(0, 1, 1, 100).desired_pod_count, 1);
}

}  // namespace
}  // namespace userscale::kpa
