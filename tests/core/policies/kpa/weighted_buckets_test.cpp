// WeightedFloat64Buckets: the weighted-exponential window average (kpa-spec.md §4.3).
#include "core/policies/kpa/weighted_buckets.h"

#include <gtest/gtest.h>

#include <cmath>

namespace userscale::kpa {
namespace {

TEST(WeightedBuckets, SmoothingCoefficient) {
  EXPECT_DOUBLE_EQ(smoothing_coefficient(100), 0.2);
  EXPECT_DOUBLE_EQ(smoothing_coefficient(60), 0.2);  // the default stable window
  EXPECT_NEAR(smoothing_coefficient(40), 0.20567, 1e-5);
  EXPECT_NEAR(smoothing_coefficient(6), 0.78456, 1e-5);  // the default panic window
}

// Knative's WeightedFloat64Buckets printed these for the series [1, 3, 5, 4, 6, 7, 2, 8, 10, 20]
// recorded at +1..+10 s and read at +10 s (Zeng Xu, "Dive into Knative Pod Autoscaler", 2025).
TEST(WeightedBuckets, PublishedExample) {
  WeightedFloat64Buckets stable(10);
  WeightedFloat64Buckets panic(3);
  const double series[] = {1, 3, 5, 4, 6, 7, 2, 8, 10, 20};
  for (int i = 0; i < 10; ++i) {
    stable.record(i + 1, series[i]);
    panic.record(i + 1, series[i]);
  }
  EXPECT_NEAR(stable.window_average(10), 15.430728028666296, 1e-12);
  EXPECT_NEAR(panic.window_average(10), 19.530732247258655, 1e-12);
}

TEST(WeightedBuckets, SecondsWithoutDataWeighAsZeros) {
  WeightedFloat64Buckets w(6);
  const double a = w.alpha();
  w.record(0, 10);
  w.record(1, 20);
  // Two seconds later: the newest bucket gets weight a(1-a)^2, the one before a(1-a)^3, and
  // only 6 - 2 buckets are read.
  const double want = 20 * a * std::pow(1 - a, 2) + 10 * a * std::pow(1 - a, 3);
  EXPECT_NEAR(w.window_average(3), want, 1e-12);
  EXPECT_NEAR(w.window_average(1), 20 * a + 10 * a * (1 - a), 1e-12);
}

TEST(WeightedBuckets, YoungWindowIsNotRenormalised) {
  WeightedFloat64Buckets w(60);
  w.record(0, 10);
  EXPECT_DOUBLE_EQ(w.window_average(0), 2.0);  // 10 x 0.2, unlike the linear 10
}

TEST(WeightedBuckets, EmptyAveragesToZero) {
  WeightedFloat64Buckets w(6);
  EXPECT_EQ(w.window_average(5), 0.0);
  w.record(0, 10);
  EXPECT_TRUE(w.is_empty(7));
  EXPECT_EQ(w.window_average(7), 0.0);
  EXPECT_EQ(w.window_average(6), 0.0);  // not empty, but no bucket left to read
}

}  // namespace
}  // namespace userscale::kpa
