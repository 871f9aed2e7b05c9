// TimedFloat64Buckets: the linear window average (kpa-spec.md §4.2). The expected numbers are
// upstream's (knative/serving pkg/autoscaler/aggregation/bucketing_test.go) or the spec's
// worked example 5.
#include "core/policies/kpa/timed_buckets.h"

#include <gtest/gtest.h>

namespace userscale::kpa {
namespace {

TEST(TimedBuckets, WorkedExample5AveragesOnlyTheSecondsSeen) {
  TimedFloat64Buckets stable(60);
  TimedFloat64Buckets panic(6);
  for (int t = 0; t < 10; ++t) {
    stable.record(t, t < 5 ? 1 : 10);
    panic.record(t, t < 5 ? 1 : 10);
  }
  EXPECT_DOUBLE_EQ(stable.window_average(9), 5.5);  // 55 over the 10 seconds seen
  EXPECT_DOUBLE_EQ(panic.window_average(9), 8.5);   // (1 + 5 x 10) / 6
}

TEST(TimedBuckets, ValuesOfOneSecondAddUp) {
  TimedFloat64Buckets b(120);
  b.record(100.0, 1);   // the activator's share
  b.record(100.1, 10);  // the scraper's share of the same second
  b.record(101.0, 1);
  b.record(103.0, 1);
  EXPECT_DOUBLE_EQ(b.bucket_at(100), 11);
  EXPECT_DOUBLE_EQ(b.bucket_at(101), 1);
  EXPECT_DOUBLE_EQ(b.bucket_at(102), 0);
  EXPECT_DOUBLE_EQ(b.bucket_at(103), 1);
  EXPECT_DOUBLE_EQ(b.window_total(), 13);
}

// Upstream TestTimedFloat64BucketsWindowAverage, with now = 1000.
TEST(TimedBuckets, UpstreamWindowAverage) {
  Time now = 1000;
  TimedFloat64Buckets b(5);
  b.record(now, 1);
  EXPECT_EQ(b.window_average(now), 1.0);  // firstWrite counts; without it 0.2
  for (int i = 1; i < 5; ++i) b.record(now + i, i + 1);
  EXPECT_EQ(b.window_average(now + 4), 15.0 / 5);
  EXPECT_EQ(b.window_average(now + 3.6), 15.0 / 5);                // now lags behind
  EXPECT_EQ(b.window_average(now + 6), (15.0 - 1 - 2) / (5 - 2));  // short hole
  EXPECT_EQ(b.window_average(now + 10), 0.0);                      // long hole
  b.record(now + 6, 91);                                           // write with holes
  EXPECT_EQ(b.window_average(now + 6), (15.0 - 1 - 2 + 91) / 5);
  now += 60;  // advance much farther
  b.record(now, 1984);
  EXPECT_EQ(b.window_average(now), 1984.0);
  b.record(now - 3, 4);  // an earlier time
  EXPECT_EQ(b.window_average(now), (4.0 + 1984) / 4);
  now += 1;
  b.record(now, 5);
  EXPECT_EQ(b.window_average(now), (4.0 + 1984 + 5) / 5);
  b.record(now - 3, 10);  // an earlier time again
  EXPECT_EQ(b.window_average(now), (4.0 + 10 + 1984 + 5) / 5);
  b.record(now - 6, 10);  // too early: ignored
  EXPECT_EQ(b.window_average(now), (4.0 + 10 + 1984 + 5) / 5);
}

// Upstream TestDescendingRecord.
TEST(TimedBuckets, UpstreamDescendingRecord) {
  TimedFloat64Buckets b(5);
  for (int i = 8; i >= 0; --i) b.record(500 + i, 5);
  EXPECT_EQ(b.window_average(505), 5.0);
}

// Upstream TestTimedFloat64BucketsHoles: a write at +8 s zeroes the seconds 5..7.
TEST(TimedBuckets, UpstreamHoles) {
  TimedFloat64Buckets b(5);
  for (int i = 0; i < 5; ++i) b.record(200 + i, i + 1);
  EXPECT_EQ(b.window_total(), 15.0);
  EXPECT_EQ(b.window_average(204), 15.0 / 5);
  b.record(208, 2);
  EXPECT_EQ(b.window_total(), 7.0);  // seconds 200..203 cleared: 5 at 204 and 2 at 208
  EXPECT_EQ(b.bucket_at(204), 5.0);
  EXPECT_EQ(b.bucket_at(208), 2.0);
}

// Upstream TestTimedFloat64BucketsManyRepsWithNonMonotonicalOrder.
TEST(TimedBuckets, UpstreamNonMonotonicOrder) {
  TimedFloat64Buckets b(60);
  const int offsets[] = {0, 3, 2, 1, 4};
  for (int p = 0; p < 5; ++p) {
    for (int t = 0; t < 5; ++t) b.record(300 + offsets[p], p + t);
  }
  EXPECT_EQ(b.window_total(), 100.0);
  EXPECT_EQ(b.window_average(304), 20.0);
}

TEST(TimedBuckets, GapOfAWholeWindowStartsAfresh) {
  TimedFloat64Buckets b(6);
  for (int t = 0; t < 6; ++t) b.record(t, 10);
  b.record(11, 3);  // 6 s after the last write: everything before is gone
  EXPECT_EQ(b.first_write(), 11);
  EXPECT_EQ(b.window_total(), 3.0);
  EXPECT_EQ(b.window_average(11), 3.0);
}

TEST(TimedBuckets, GapInsideTheDataCountsAsZeros) {
  TimedFloat64Buckets b(60);
  b.record(0, 6);
  b.record(5, 6);  // seconds 1..4 are zeros
  EXPECT_EQ(b.window_average(5), 2.0);
}

TEST(TimedBuckets, EmptinessFollowsTheLastWrite) {
  TimedFloat64Buckets b(6);
  EXPECT_TRUE(b.is_empty(0));
  EXPECT_EQ(b.window_average(0), 0.0);
  b.record(10, 1);
  EXPECT_FALSE(b.is_empty(10));
  EXPECT_FALSE(b.is_empty(16.9));  // 6 s after: not empty, but averages to 0
  EXPECT_EQ(b.window_average(16), 0.0);
  EXPECT_TRUE(b.is_empty(17));
}

TEST(TimedBuckets, AverageIsRoundedHalfAwayFromZeroToSixDecimals) {
  TimedFloat64Buckets b(60);
  b.record(0, 2);
  b.record(1, 0);
  b.record(2, 0);
  EXPECT_EQ(b.window_average(2), 0.666667);  // 2/3, rounded up at the 7th decimal
  EXPECT_EQ(round_to_6_digits(3.6e-17), 0.0);
  EXPECT_EQ(round_to_6_digits(1.0000005), 1.000001);
  EXPECT_EQ(round_to_6_digits(12345), 12345.0);
}

TEST(TimedBuckets, BucketSecondRoundsDown) {
  EXPECT_EQ(bucket_second(3.999), 3);
  EXPECT_EQ(bucket_second(4), 4);
  EXPECT_EQ(bucket_second(-0.5), -1);
}

}  // namespace
}  // namespace userscale::kpa
