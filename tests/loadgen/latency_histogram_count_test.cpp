// The count of latencies within a limit (the SLO attainment of `userscale load --slo-ms`).
#include <gtest/gtest.h>

#include "loadgen/latency_histogram.h"
#include "loadgen/load_runner.h"
#include "loadgen/summary_report.h"

namespace userscale::loadgen {
namespace {

TEST(LatencyHistogramCount, CountsValuesAtOrBelowALimit) {
  LatencyHistogram h;
  EXPECT_EQ(h.count_at_or_below_us(1000), 0u);
  for (std::uint64_t us : {1000u, 2000u, 5000u, 100000u, 400000u}) h.record_us(us);
  EXPECT_EQ(h.count_at_or_below_us(999), 0u);
  EXPECT_EQ(h.count_at_or_below_us(1000), 1u);
  EXPECT_EQ(h.count_at_or_below_us(6000), 3u);
  EXPECT_EQ(h.count_at_or_below_us(200000), 4u);
  EXPECT_EQ(h.count_at_or_below_us(400000), 5u);
  EXPECT_EQ(h.count_at_or_below_us(10'000'000), 5u);
}

TEST(LatencyHistogramCount, SummaryJsonCarriesTheSloCountOnlyWhenAsked) {
  LoadSummary s;
  for (std::uint64_t us : {10'000u, 20'000u, 900'000u}) s.latency.record_us(us);
  EXPECT_FALSE(summary_json(s).contains("completed_within_slo"));
  const auto j = summary_json(s, 500.0);
  EXPECT_EQ(j["slo_ms"], 500.0);
  EXPECT_EQ(j["completed_within_slo"], 2u);
}

}  // namespace
}  // namespace userscale::loadgen
