// One replica's load and capacity from its signals: the M/M/1 inversion mu = X (1 + N) / N.
#include "core/policies/gpuaware/replica_load.h"

#include <gtest/gtest.h>

#include "core/policies/gpuaware/gpuaware_test_support.h"

namespace userscale {
namespace {

using gpuaware_testing::load;

TEST(ReplicaLoad, InvertsAnMm1Queue) {
  // M/M/1 with mu 10 at lambda 6: T = 1 / (10 - 6) = 0.25 s, N = 6 x 0.25 = 1.5.
  // mu = 6 x 2.5 / 1.5 = 10, rho = 1.5 / 2.5 = 0.6.
  const auto r = read_replica_load(load(6, 250, 1.5), 0.8);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->capacity);
  EXPECT_NEAR(*r->capacity, 10, 1e-12);
  EXPECT_NEAR(r->utilization, 0.6, 1e-12);
  EXPECT_FALSE(r->congested);
  EXPECT_FALSE(r->idle);
}

TEST(ReplicaLoad, ASaturatedReplicaIsWorthItsThroughput) {
  // The seed's GTX 1650: 20 closed-loop users, 0.27 req/s, 74 s each. N = max(0.27 x 74,
  // 20) = 20; mu = 0.27 x 21 / 20 = 0.2835; rho = 20 / 21.
  const auto r = read_replica_load(load(0.27, 74000, 20), 0.8);
  ASSERT_TRUE(r && r->capacity);
  EXPECT_NEAR(*r->capacity, 0.2835, 1e-12);
  EXPECT_NEAR(r->utilization, 20.0 / 21.0, 1e-12);
  EXPECT_TRUE(r->congested);
}

TEST(ReplicaLoad, QueueingMeansCongested) {
  // Lightly used by Little's law, but requests wait at the replica: congested.
  const auto r = read_replica_load(load(5, 100, 0.5, 2), 0.8);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->congested);
  EXPECT_DOUBLE_EQ(r->occupancy, 2.5);  // in flight 0.5 + queued 2 > 5 x 0.1
}

TEST(ReplicaLoad, IdleAndUnreadableReplicas) {
  const auto idle = read_replica_load(load(0, 0, 0), 0.8);
  ASSERT_TRUE(idle);
  EXPECT_TRUE(idle->idle);
  EXPECT_FALSE(idle->capacity);
  EXPECT_FALSE(idle->congested);

  ServingSignals none;
  none.in_flight = 3;
  EXPECT_FALSE(read_replica_load(none, 0.8));  // no completion rate
  ServingSignals negative = load(5, 100, 1);
  negative.latency_mean_ms = -1;
  EXPECT_FALSE(read_replica_load(negative, 0.8));

  // Completions but no latency and nothing in flight: capacity unknown, not invented.
  ServingSignals no_latency = load(5, 0, 0);
  no_latency.latency_mean_ms.reset();
  const auto r = read_replica_load(no_latency, 0.8);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->capacity);
}

TEST(ReplicaLoad, GpuUtilizationIsNotASaturationSignal) {
  // One request every few seconds reads ~100 % on DCGM; the replica is nearly idle.
  ServingSignals s = load(0.2, 300, 0.06);
  s.gpu_utilization = 99;
  const auto r = read_replica_load(s, 0.8);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->congested);
  EXPECT_LT(r->utilization, 0.1);
}

TEST(ReplicaLoad, ASnapshotTheMeanMakesImprobableOutranksIt) {
  // Geometric occupancy: P(N >= k) = rho^k, rho = N / (1 + N).
  EXPECT_FALSE(improbable_occupancy(3, 0.35));  // 0.26^3 = 0.017: noise
  EXPECT_TRUE(improbable_occupancy(4, 0.35));   // 0.26^4 = 0.0045
  EXPECT_TRUE(improbable_occupancy(20, 3));     // 0.75^20 = 0.0032: a queue built
  EXPECT_FALSE(improbable_occupancy(20, 9));    // 0.9^20 = 0.12
  EXPECT_FALSE(improbable_occupancy(0, 0));

  // 10 req/s at 35 ms with 3 inside at the scrape, mean 0.35: read at the mean.
  const auto noise = read_replica_load(load(10, 35, 3), 0.9, 0.35);
  ASSERT_TRUE(noise && noise->capacity);
  EXPECT_NEAR(noise->occupancy, 0.35, 1e-9);
  EXPECT_NEAR(*noise->capacity, 10 + 1 / 0.035, 1e-9);
  // 20 inside where the mean says 3: read at 20, congested.
  const auto surge = read_replica_load(load(0.27, 10000, 20), 0.9, 3.0);
  ASSERT_TRUE(surge);
  EXPECT_DOUBLE_EQ(surge->occupancy, 20);
  EXPECT_TRUE(surge->congested);
}

}  // namespace
}  // namespace userscale
