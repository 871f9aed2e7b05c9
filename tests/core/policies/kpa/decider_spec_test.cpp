// Knobs to decider spec: MakeDecider, ResolveMetricTarget, the panic window (kpa-spec.md §3).
#include "core/policies/kpa/decider_spec.h"

#include <gtest/gtest.h>

namespace userscale::kpa {
namespace {

TEST(DeciderSpec, DefaultTargets) {
  KpaKnobs k;
  MetricTargetValues t = resolve_metric_target(k);
  EXPECT_DOUBLE_EQ(t.target, 70);
  EXPECT_EQ(t.total, 100);
  k.metric = ScalingMetric::Rps;
  t = resolve_metric_target(k);
  EXPECT_DOUBLE_EQ(t.target, 140);
  EXPECT_EQ(t.total, 200);
}

TEST(DeciderSpec, ContainerConcurrencyAndTheTargetAnnotation) {
  KpaKnobs k;
  k.container_concurrency = 10;
  EXPECT_EQ(resolve_metric_target(k).total, 10);  // replaces the default 100
  k.target = 50;
  EXPECT_EQ(resolve_metric_target(k).total, 10);  // the annotation is capped by it
  k.target = 4;
  EXPECT_EQ(resolve_metric_target(k).total, 4);
  k.metric = ScalingMetric::Rps;
  k.target = 50;
  EXPECT_EQ(resolve_metric_target(k).total, 50);  // no cap for rps
}

TEST(DeciderSpec, TargetNeverBelowTheMinimum) {
  KpaKnobs k;
  k.target = 0.001;
  k.target_utilization_percentage = 50;
  EXPECT_EQ(resolve_metric_target(k).target, kTargetMin);
  EXPECT_EQ(resolve_metric_target(k).total, 0.001);
}

TEST(DeciderSpec, UpstreamTestTargetsAreExact) {
  // Upstream tests use TargetValue 10 and TotalValue 10 / 0.75: the case files write the total
  // and 75 %; the product must come back to exactly 10 (and 1).
  KpaKnobs k;
  k.target_utilization_percentage = 75;
  k.target = 10 / 0.75;
  EXPECT_EQ(resolve_metric_target(k).target, 10.0);
  k.target = 1 / 0.75;
  EXPECT_EQ(resolve_metric_target(k).target, 1.0);
}

TEST(DeciderSpec, PanicWindow) {
  EXPECT_EQ(panic_window_seconds(60, 10), 6);
  EXPECT_EQ(panic_window_seconds(6, 33.33), 2);  // 1.9998 s rounds to 2
  EXPECT_EQ(panic_window_seconds(6, 1), 1);      // 0.06 s, at least one second
  EXPECT_EQ(panic_window_seconds(10, 25), 3);    // 2.5 s: halves round up
  EXPECT_EQ(panic_window_seconds(3600, 100), 3600);
}

TEST(DeciderSpec, MakeDecider) {
  KpaKnobs k;
  k.panic_threshold_percentage = 150;
  k.stable_window_seconds = 120;
  k.scale_down_delay_seconds = 30;
  k.activation_scale = 3;
  k.reachable = false;
  const DeciderSpec s = make_decider_spec(k);
  EXPECT_DOUBLE_EQ(s.panic_threshold, 1.5);
  EXPECT_EQ(s.stable_window_seconds, 120);
  EXPECT_EQ(s.panic_window_seconds, 12);
  EXPECT_EQ(s.scale_down_delay_seconds, 30);
  EXPECT_EQ(s.activation_scale, 3);
  EXPECT_FALSE(s.reachable);
  EXPECT_EQ(s.target_burst_capacity, 211);
  EXPECT_DOUBLE_EQ(s.target_value, 70);
  EXPECT_EQ(s.total_value, 100);
}

}  // namespace
}  // namespace userscale::kpa
