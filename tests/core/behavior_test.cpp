#include "core/behavior.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

constexpr Time kNow = 10000;

BehaviorInput input(std::int32_t current, std::int32_t proposal, std::int32_t min = 1,
                    std::int32_t max = 100) {
  return BehaviorInput{kNow, current, proposal, min, max};
}

TEST(LegacyNormalization, HighestRecommendationInWindowWins) {
  // hpa-spec §8 worked example (TestNormalizeDesiredReplicas/stabilize - old recommendations).
  BehaviorState st;
  st.recommendations = {{kNow - 600, 10}, {kNow - 60, 4}, {kNow - 120, 5}, {kNow - 540, 9}};
  auto out = normalize_legacy(input(5, 3), HpaSettings{}, st);
  EXPECT_EQ(out.stabilized, 5);
  EXPECT_EQ(out.replicas, 5);
  EXPECT_EQ(out.able_to_scale.reason, "ScaleDownStabilized");
  // The new proposal replaced one expired entry instead of growing the list.
  EXPECT_EQ(st.recommendations.size(), 4u);
}

TEST(LegacyNormalization, ScaleUpLimitIsTwiceCurrentOrFour) {
  BehaviorState st;
  auto out = normalize_legacy(input(3, 1000, 1, 2000), HpaSettings{}, st);
  EXPECT_EQ(out.replicas, 6);
  EXPECT_EQ(out.scaling_limited.reason, "ScaleUpLimit");
  EXPECT_EQ(out.scaling_limited.status, "True");
  BehaviorState st2;
  EXPECT_EQ(normalize_legacy(input(1, 50, 1, 2000), HpaSettings{}, st2).replicas, 4);
}

TEST(LegacyNormalization, MaxReplicasBindsBeforeScaleUpLimit) {
  BehaviorState st;
  auto out = normalize_legacy(input(3, 9, 1, 5), HpaSettings{}, st);
  EXPECT_EQ(out.replicas, 5);
  EXPECT_EQ(out.scaling_limited.reason, "TooManyReplicas");
}

TEST(LegacyNormalization, MinReplicas) {
  BehaviorState st;
  auto out = normalize_legacy(input(3, 1, 2, 10), HpaSettings{}, st);
  EXPECT_EQ(out.replicas, 2);
  EXPECT_EQ(out.scaling_limited.reason, "TooFewReplicas");
}

TEST(BehaviorStabilization, UpWindowTakesLowestRecent) {
  // hpa-spec §9.2: history {4 @ -120 s, 5 @ -60 s}, C = 1, P = 7, up window 300 s -> 4.
  Behavior b;
  b.scale_up = ScalingRules{300, std::nullopt, std::nullopt, std::nullopt};
  b.scale_down = ScalingRules{0, std::nullopt, std::nullopt, std::nullopt};
  auto rb = resolve_behavior(b, HpaSettings{});
  BehaviorState st;
  st.recommendations = {{kNow - 120, 4}, {kNow - 60, 5}};
  auto out = normalize_with_behavior(input(1, 7), rb, st);
  EXPECT_EQ(out.stabilized, 4);
  EXPECT_EQ(out.replicas, 4);
  EXPECT_EQ(out.able_to_scale.reason, "ScaleUpStabilized");
}

TEST(BehaviorStabilization, DownWindowHoldsCurrent) {
  Behavior b;
  b.scale_up = ScalingRules{300, std::nullopt, std::nullopt, std::nullopt};
  b.scale_down = ScalingRules{300, std::nullopt, std::nullopt, std::nullopt};
  auto rb = resolve_behavior(b, HpaSettings{});
  BehaviorState st;
  st.recommendations = {{kNow - 6000, 2}, {kNow - 180, 3}};
  auto out = normalize_with_behavior(input(2, 1), rb, st);
  EXPECT_EQ(out.replicas, 2);
  EXPECT_EQ(out.able_to_scale.reason, "ScaleDownStabilized");
  EXPECT_EQ(st.recommendations.size(), 2u);  // the -6000 s entry was reused
}

TEST(BehaviorRateLimit, PercentScaleUpCountsEventsInPeriod) {
  // hpa-spec §9.3: C = 6, up-event 4 and down-event 2 60 s ago, Percent 300 % / 300 s -> 16.
  Behavior b;
  b.scale_up = ScalingRules{0, SelectPolicy::Max,
                            std::vector<ScalingPolicy>{{ScalingPolicyType::Percent, 300, 300}},
                            std::nullopt};
  auto rb = resolve_behavior(b, HpaSettings{});
  BehaviorState st;
  st.scale_up_events = {{kNow - 60, 4}};
  st.scale_down_events = {{kNow - 60, 2}};
  auto out = normalize_with_behavior(input(6, 100, 1, 1000), rb, st);
  EXPECT_EQ(out.replicas, 16);
  EXPECT_EQ(out.scaling_limited.reason, "ScaleUpLimit");
}

TEST(BehaviorRateLimit, PercentScaleDown) {
  Behavior b;
  b.scale_down =
      ScalingRules{0, SelectPolicy::Max,
                   std::vector<ScalingPolicy>{{ScalingPolicyType::Percent, 50, 120}}, std::nullopt};
  auto rb = resolve_behavior(b, HpaSettings{});
  BehaviorState st;
  st.scale_down_events = {{kNow - 30, 2}, {kNow - 60, 4}, {kNow - 90, 6}};
  auto out = normalize_with_behavior(input(100, 1, 1, 1000), rb, st);
  EXPECT_EQ(out.replicas, 56);
  EXPECT_EQ(out.scaling_limited.reason, "ScaleDownLimit");
}

TEST(BehaviorRateLimit, SelectPolicyMinAndDisabled) {
  Behavior b;
  b.scale_up = ScalingRules{0, SelectPolicy::Min,
                            std::vector<ScalingPolicy>{{ScalingPolicyType::Pods, 2, 60},
                                                       {ScalingPolicyType::Percent, 100, 60}},
                            std::nullopt};
  b.scale_down = ScalingRules{0, SelectPolicy::Disabled, std::nullopt, std::nullopt};
  auto rb = resolve_behavior(b, HpaSettings{});
  BehaviorState st;
  EXPECT_EQ(normalize_with_behavior(input(10, 50), rb, st).replicas, 12);
  BehaviorState st2;
  auto down = normalize_with_behavior(input(10, 2), rb, st2);
  EXPECT_EQ(down.replicas, 10);
  EXPECT_EQ(down.scaling_limited.reason, "ScaleDownLimit");
}

TEST(BehaviorDefaults, FilledFromApiDefaults) {
  auto rb = resolve_behavior(Behavior{}, HpaSettings{});
  EXPECT_EQ(rb.scale_up.stabilization_window_seconds, 0);
  ASSERT_EQ(rb.scale_up.policies.size(), 2u);
  EXPECT_EQ(rb.scale_up.policies[0].value, 4);
  EXPECT_EQ(rb.scale_down.stabilization_window_seconds, 300);
  ASSERT_EQ(rb.scale_down.policies.size(), 1u);
  EXPECT_EQ(rb.scale_down.policies[0].type, ScalingPolicyType::Percent);
}

TEST(ScaleEvents, ReuseOutdatedEntries) {
  auto rb = resolve_behavior(Behavior{}, HpaSettings{});
  BehaviorState st;
  record_scale_event(rb, kNow - 100, 2, 5, st);
  record_scale_event(rb, kNow, 5, 8, st);  // the first is older than 15 s: reused
  ASSERT_EQ(st.scale_up_events.size(), 1u);
  EXPECT_EQ(st.scale_up_events[0].change, 3);
  record_scale_event(rb, kNow, 8, 6, st);
  ASSERT_EQ(st.scale_down_events.size(), 1u);
  EXPECT_EQ(st.scale_down_events[0].change, 2);
}

TEST(ClampMinMax, OnlyBounds) {
  EXPECT_EQ(clamp_min_max(input(3, 50, 1, 10)).replicas, 10);
  EXPECT_EQ(clamp_min_max(input(3, 0, 2, 10)).replicas, 2);
  EXPECT_EQ(clamp_min_max(input(3, 7, 2, 10)).replicas, 7);
}

}  // namespace
}  // namespace userscale
