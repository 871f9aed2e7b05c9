#include "loadgen/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace userscale::loadgen {
namespace {

// The nearest-rank percentile of a sorted sample: the textbook definition.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record_us(v);
  EXPECT_EQ(h.percentile_us(50), 50u);
  EXPECT_EQ(h.percentile_us(99), 99u);
  EXPECT_EQ(h.percentile_us(100), 100u);
  EXPECT_EQ(h.min_us(), 1u);
  EXPECT_EQ(h.max_us(), 100u);
  EXPECT_DOUBLE_EQ(h.mean_us(), 50.5);
}

TEST(LatencyHistogram, PercentilesWithinOneSixtyFourthOfExact) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> dist(8.0, 2.0);  // ~3 ms median, heavy tail
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record_us(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const double exact = static_cast<double>(exact_percentile(values, p));
    const double got = static_cast<double>(h.percentile_us(p));
    EXPECT_GE(got, exact) << p;  // the bucket's highest equivalent value
    EXPECT_LE(got, exact * (1.0 + 1.0 / 64.0) + 1.0) << p;
  }
  EXPECT_EQ(h.max_us(), values.back());
}

TEST(LatencyHistogram, BucketsCoverValuesContiguously) {
  for (std::uint64_t v : {0ull, 127ull, 128ull, 129ull, 1000ull, 65535ull, 1ull << 33}) {
    const std::size_t b = LatencyHistogram::bucket_of(v);
    EXPECT_GE(LatencyHistogram::bucket_upper(b), v);
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::bucket_upper(b - 1), v);
    }
  }
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  for (std::uint64_t v = 0; v < 5000; v += 7) {
    (v % 2 ? a : b).record_us(v * 13);
    all.record_us(v * 13);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double p : {10.0, 50.0, 95.0, 99.9}) EXPECT_EQ(a.percentile_us(p), all.percentile_us(p));
  EXPECT_EQ(a.min_us(), all.min_us());
  EXPECT_EQ(a.max_us(), all.max_us());
}

}  // namespace
}  // namespace userscale::loadgen
