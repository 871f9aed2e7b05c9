// The mean number of requests inside each replica, from its scrapes.
#include "core/policies/gpuaware/occupancy_tracker.h"

#include <gtest/gtest.h>

#include "core/policies/gpuaware/gpuaware_test_support.h"
#include "core/policies/gpuaware/replica_load.h"

namespace userscale {
namespace {

using namespace gpuaware_testing;

Observation scrape(Time now, std::vector<PodInfo> pods) {
  return observation(now, static_cast<std::int32_t>(pods.size()), std::move(pods), {}, 10);
}

TEST(OccupancyTracker, SnapshotsAboveALowMeanAverageOut) {
  // 10 req/s at 35 ms: 0.35 inside on average. Scrapes find 0 mostly, sometimes 2 or 3; the
  // last one alone would read the replica as 3 requests deep.
  OccupancyTracker t(0.3);
  const double found[] = {0, 3, 0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 3, 0, 0};
  Time now = 0;
  for (double inside : found) {
    t.observe(scrape(now, {serving("p0", now, "", load(10, 35, inside))}));
    now += 5;
    ASSERT_TRUE(t.mean("p0"));
    EXPECT_LT(*t.mean("p0"), 1.5) << now;
  }
  // Read with the last scrape's 3 inside, the replica is worth 10 x 4 / 3 = 13.3 req/s; read
  // with the mean (0.55 after these scrapes), 28, and 38.6 (10 + 1 / 35 ms) at Little's 0.35.
  const ServingSignals last = load(10, 35, 3);
  const auto with_mean = read_replica_load(last, 0.9, *t.mean("p0"));
  const auto with_snapshot = read_replica_load(last, 0.9);
  ASSERT_TRUE(with_mean && with_mean->capacity && with_snapshot && with_snapshot->capacity);
  EXPECT_GT(*with_mean->capacity, 2 * *with_snapshot->capacity);
  EXPECT_NEAR(*with_snapshot->capacity, 10 * 4.0 / 3.0, 1e-9);
}

TEST(OccupancyTracker, AReplicaThatStaysFullReadsFullWithinAFewScrapes) {
  // The seed's closed loop: 20 inside at every scrape, while the window's completed requests
  // were short (Little's law: 0.27 x 10 s = 2.7). 20 is improbable at a mean of 2.7
  // (0.73^20 = 0.002): the first scrape starts the mean.
  OccupancyTracker t(0.3);
  t.observe(scrape(0, {serving("p0", 0, "", load(0.27, 10000, 20))}));
  EXPECT_DOUBLE_EQ(*t.mean("p0"), 20.0);
  const auto r = read_replica_load(load(0.27, 10000, 20), 0.9, *t.mean("p0"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->congested);  // busy_utilization 0.9: nine inside or more

  // Little's mean 5 (0.5 req/s at 10 s) makes 20 unlikely but not improbable (0.83^20 = 0.026):
  // the average climbs, 5 -> 9.5 -> 12.65 -> 14.9.
  OccupancyTracker u(0.3);
  const double expected[] = {9.5, 12.65, 14.855};
  for (int i = 0; i < 3; ++i) {
    const Time now = 5.0 * i;
    u.observe(scrape(now, {serving("p0", now, "", load(0.5, 10000, 20))}));
    EXPECT_NEAR(*u.mean("p0"), expected[i], 1e-9) << i;
  }
}

TEST(OccupancyTracker, CountsEachScrapeOnceAndForgetsPodsThatAreGone) {
  OccupancyTracker t(0.5);
  ServingSignals s = load(1, 1000, 1);  // Little's law: 1 inside
  s.sample_time = 0;
  t.observe(scrape(0, {serving("p0", 0, "", s)}));
  EXPECT_DOUBLE_EQ(*t.mean("p0"), 1.0);
  s.in_flight = 5;  // the same scrape again (its sample time): not a new sample
  t.observe(scrape(5, {serving("p0", 5, "", s)}));
  EXPECT_DOUBLE_EQ(*t.mean("p0"), 1.0);
  s.sample_time = 10;
  t.observe(scrape(10, {serving("p0", 10, "", s)}));
  EXPECT_DOUBLE_EQ(*t.mean("p0"), 3.0);
  t.observe(scrape(15, {serving("p1", 15, "", load(1, 1000, 1))}));
  EXPECT_FALSE(t.mean("p0"));
  EXPECT_TRUE(t.mean("p1"));
}

TEST(OccupancyTracker, MalformedCountsAreNotAveraged) {
  OccupancyTracker t(0.3);
  ServingSignals s = load(1, 1000, -2);
  t.observe(scrape(0, {serving("p0", 0, "", s)}));
  EXPECT_FALSE(t.mean("p0"));
}

}  // namespace
}  // namespace userscale
