// The collector's windows and ErrNoData (kpa-spec.md §4.1, §4.4). Expected values from upstream
// pkg/autoscaler/metrics/collector_test.go.
#include "core/policies/kpa/collector.h"

#include <gtest/gtest.h>

namespace userscale::kpa {
namespace {

DeciderSpec windows(std::int64_t stable, double panic_percentage,
                    Aggregation aggregation = Aggregation::Linear) {
  KpaKnobs k;
  k.stable_window_seconds = stable;
  k.panic_window_percentage = panic_percentage;
  k.aggregation = aggregation;
  return make_decider_spec(k);
}

// Upstream TestMetricCollectorAggregate: 6 s stable, 2 s panic, values 5..14 at 0..9 s.
TEST(Collector, UpstreamAggregate) {
  MetricCollector c(windows(6, 33.34));
  for (int i = 0; i < 10; ++i) c.record(i, RevisionStat{i + 5.0, i + 5.0});
  auto v = c.stable_and_panic(ScalingMetric::Concurrency, 9, true);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->stable, 11.5);
  EXPECT_EQ(v->panic, 13.5);
}

// Upstream TestMetricCollectorScraperMovingTime: 3 stats in one second, 4 in the next.
TEST(Collector, UpstreamScraperMovingTime) {
  MetricCollector c(windows(60, 10));
  for (int i = 0; i < 3; ++i) c.record(0, RevisionStat{10, 20});
  for (int i = 0; i < 4; ++i) c.record(1, RevisionStat{10, 20});
  auto conc = c.stable_and_panic(ScalingMetric::Concurrency, 1, true);
  auto rps = c.stable_and_panic(ScalingMetric::Rps, 1, true);
  ASSERT_TRUE(conc && rps);
  EXPECT_EQ(conc->stable, 7 * 10 / 2);
  EXPECT_EQ(conc->panic, 7 * 10 / 2);
  EXPECT_EQ(rps->stable, 7 * 20 / 2);
  EXPECT_EQ(rps->panic, 7 * 20 / 2);
}

// Upstream TestMetricCollectorNoDataError and TestMetricCollectorNoScraper.
TEST(Collector, EmptyStableWindowIsNoDataOnlyWithAScrapeTarget) {
  MetricCollector c(windows(60, 10));
  EXPECT_FALSE(c.stable_and_panic(ScalingMetric::Concurrency, 0, true));
  EXPECT_FALSE(c.stable_and_panic(ScalingMetric::Rps, 0, true));
  auto none = c.stable_and_panic(ScalingMetric::Concurrency, 3, false);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->stable, 0);
  EXPECT_EQ(none->panic, 0);
  c.record(3, RevisionStat{10, 30});
  auto rps = c.stable_and_panic(ScalingMetric::Rps, 3, false);
  ASSERT_TRUE(rps);
  EXPECT_EQ(rps->stable, 30);
  EXPECT_EQ(c.stable_and_panic(ScalingMetric::Concurrency, 3, false)->stable, 10);
}

// Upstream TestMetricCollectorRecord: a stat 70 s old is dropped by the next one.
TEST(Collector, UpstreamRecordOutdatedStat) {
  MetricCollector c(windows(60, 10));
  c.record(0, RevisionStat{100, 100});
  c.record(70, RevisionStat{10, 10});
  auto v = c.stable_and_panic(ScalingMetric::Concurrency, 70, true);
  ASSERT_TRUE(v);
  EXPECT_NEAR(v->stable, 10, 0.001);
  EXPECT_NEAR(v->panic, 10, 0.001);
}

TEST(Collector, MetricsAreKeptApart) {
  MetricCollector c(windows(60, 10));
  c.record(5, ScalingMetric::Rps, 42);
  EXPECT_FALSE(c.stable_and_panic(ScalingMetric::Concurrency, 5, true));
  EXPECT_EQ(c.stable_and_panic(ScalingMetric::Rps, 5, true)->stable, 42);
}

TEST(Collector, WeightedAggregation) {
  MetricCollector c(windows(60, 10, Aggregation::WeightedExponential));
  c.record(0, RevisionStat{10, 0});
  auto v = c.stable_and_panic(ScalingMetric::Concurrency, 0, true);
  ASSERT_TRUE(v);
  EXPECT_DOUBLE_EQ(v->stable, 10 * 0.2);  // alpha 0.2 for 60 buckets, not renormalised
  EXPECT_NEAR(v->panic, 10 * 0.78456, 1e-4);
}

}  // namespace
}  // namespace userscale::kpa
