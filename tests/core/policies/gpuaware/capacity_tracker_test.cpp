// Capacity estimation on synthetic observations: per replica, per GPU, and whether another
// replica on a shared GPU adds throughput.
#include "core/policies/gpuaware/capacity_tracker.h"

#include <gtest/gtest.h>

#include "core/policies/gpuaware/gpuaware_test_support.h"

namespace userscale {
namespace {

using namespace gpuaware_testing;

constexpr Duration kStaleness = 15;

CapacityTrackerParams params() {
  CapacityTrackerParams p;
  p.alpha = 0.3;
  p.min_gain = 0.25;
  p.settle_time = 20;
  p.saturation_ttl = 600;
  return p;
}

ClusterView view_of(const Observation& obs) {
  return build_cluster_view(obs, kStaleness, 0.8, /*topology=*/true);
}

// gpu-0 holding `replicas` replicas of ours, each with `signals`, seen at `now`.
Observation shared_gpu(Time now, int replicas, const ServingSignals& signals) {
  std::vector<PodInfo> pods;
  std::vector<std::string> names;
  for (int i = 0; i < replicas; ++i) {
    names.push_back("p" + std::to_string(i));
    pods.push_back(serving(names.back(), now, "gpu-0", signals));
  }
  return observation(now, replicas, pods, {gpu("gpu-0", names, now), gpu("gpu-1", {}, now)}, 8);
}

TEST(CapacityTracker, ReplicaRateComesFromReplicasAlone) {
  // gpu-0 shares two replicas of capacity 5 each (M/M/1: mu 5 at lambda 3); gpu-1 holds one
  // of capacity 10 alone. mu_s is the lone one's; gpu-0's capacity is the sum.
  const Time now = 1000;
  Observation obs =
      observation(now, 3,
                  {serving("a", now, "gpu-0", mm1(5, 3)), serving("b", now, "gpu-0", mm1(5, 3)),
                   serving("c", now, "gpu-1", mm1(10, 6))},
                  {gpu("gpu-0", {"a", "b"}, now), gpu("gpu-1", {"c"}, now)}, 12);
  CapacityTracker t(params());
  const ClusterView v = view_of(obs);
  t.observe(v, now);
  ASSERT_TRUE(t.replica_rate());
  EXPECT_NEAR(*t.replica_rate(), 10, 1e-9);
  const GpuEstimate g0 = t.estimate("gpu-0");
  ASSERT_TRUE(g0.capacity);
  EXPECT_NEAR(*g0.capacity, 10, 1e-9);
  EXPECT_EQ(g0.replicas, 2);
  EXPECT_FALSE(g0.congested);
}

// A lone replica on gpu-0, seen at `now` with `signals`.
Observation alone(Time now, const ServingSignals& signals) {
  return observation(now, 1, {serving("a", now, "gpu-0", signals)}, {gpu("gpu-0", {"a"}, now)}, 4);
}

TEST(CapacityTracker, QuietReadingsBelowTheEstimateBarelyLowerIt) {
  // Measured busy at 50 req/s (M/M/1 at 45: utilization 0.9). Then the replica runs quiet, and
  // reads as a slower server (3 req/s at 40 ms: mu = 3 + 25 = 28), as a replica that serves
  // requests side by side does: a lower bound, not a measurement. Twenty quiet ticks must not
  // erase what the busy ones measured.
  CapacityTracker t(params());
  Time now = 1000;
  for (int i = 0; i < 5; ++i, now += 5) t.observe(view_of(alone(now, mm1(50, 45))), now);
  ASSERT_TRUE(t.replica_rate());
  EXPECT_NEAR(*t.replica_rate(), 50, 1e-6);
  for (int i = 0; i < 20; ++i, now += 5) {
    t.observe(view_of(alone(now, load(3, 40, 3 * 0.040))), now);
  }
  EXPECT_GT(*t.replica_rate(), 45);
}

TEST(CapacityTracker, BusyReadingsBelowTheEstimateLowerIt) {
  // The same replica measured at 50 req/s, then busy at a real capacity of 30 (M/M/1 at 27):
  // its load shows the new limit, and the estimate follows.
  CapacityTracker t(params());
  Time now = 1000;
  for (int i = 0; i < 5; ++i, now += 5) t.observe(view_of(alone(now, mm1(50, 45))), now);
  for (int i = 0; i < 20; ++i, now += 5) t.observe(view_of(alone(now, mm1(30, 27))), now);
  ASSERT_TRUE(t.replica_rate());
  EXPECT_NEAR(*t.replica_rate(), 30, 1.5);
}

TEST(CapacityTracker, WithoutALoneReplicaTheRateIsPerReplicaOfTheGpus) {
  const Time now = 1000;
  Observation obs = shared_gpu(now, 2, mm1(5, 3));
  CapacityTracker t(params());
  t.observe(view_of(obs), now);
  ASSERT_TRUE(t.replica_rate());
  EXPECT_NEAR(*t.replica_rate(), 5, 1e-9);  // 10 req/s over 2 replicas
}

TEST(CapacityTracker, ServiceTimeFromLightlyLoadedReplicas) {
  // mu 10 at lambda 2: T = 1 / 8 = 0.125 s, rho = 0.2: the latency is the service time.
  const Time now = 1000;
  Observation obs = observation(now, 1, {serving("a", now, "", mm1(10, 2))}, {}, 2);
  CapacityTracker t(params());
  t.observe(view_of(obs), now);
  ASSERT_TRUE(t.service_time());
  EXPECT_NEAR(*t.service_time(), 0.125, 1e-12);
}

TEST(CapacityTracker, AnotherReplicaOnASaturatedGpuAddsNothing) {
  CapacityTracker t(params());
  // One replica, congested: 4 req/s with 20 requests inside, mu = 4 x 21 / 20 = 4.2.
  for (Time now : {0.0, 5.0, 10.0}) t.observe(view_of(shared_gpu(now, 1, load(4, 5000, 20))), now);
  const ClusterView one = view_of(shared_gpu(10, 1, load(4, 5000, 20)));
  ASSERT_TRUE(t.baseline(one.gpus[0], 1, 10));
  EXPECT_NEAR(*t.baseline(one.gpus[0], 1, 10), 4.2, 1e-9);
  EXPECT_FALSE(t.verdict(one.gpus[0], 10).useful_limit);

  // A second replica on the same GPU: each now completes 2 req/s with 10 inside (2.2 each,
  // 4.4 together). Settling for 20 s, then 3 samples.
  for (Time now = 15; now <= 40; now += 5) {
    const ClusterView two = view_of(shared_gpu(now, 2, load(2, 5000, 10)));
    t.observe(two, now);
    EXPECT_EQ(t.settling(two.gpus[0], now), now < 35) << now;
    EXPECT_FALSE(t.verdict(two.gpus[0], now).useful_limit) << now;
  }
  const ClusterView two = view_of(shared_gpu(45, 2, load(2, 5000, 10)));
  t.observe(two, 45);
  // The second replica added 0.2 req/s, less than 0.25 x 4.2: the GPU is saturated at 1.
  const SaturationVerdict v = t.verdict(two.gpus[0], 45);
  ASSERT_TRUE(v.useful_limit);
  EXPECT_EQ(*v.useful_limit, 1);
  // Learned for the class: another T4 is saturated at 1 replica too, until the TTL.
  EXPECT_EQ(t.verdict(two.gpus[1], 45).useful_limit, 1);
  EXPECT_FALSE(t.verdict(two.gpus[1], 45 + 601).useful_limit);
}

TEST(CapacityTracker, AnotherReplicaThatAddsThroughputScales) {
  CapacityTracker t(params());
  for (Time now : {0.0, 5.0, 10.0}) t.observe(view_of(shared_gpu(now, 1, load(4, 5000, 20))), now);
  // Two replicas, each as busy and as fast as the one was: 8.4 req/s together.
  for (Time now = 15; now <= 45; now += 5) {
    t.observe(view_of(shared_gpu(now, 2, load(4, 5000, 20))), now);
  }
  const ClusterView v = view_of(shared_gpu(45, 2, load(4, 5000, 20)));
  const SaturationVerdict verdict = t.verdict(v.gpus[0], 45);
  EXPECT_FALSE(verdict.useful_limit);
  EXPECT_EQ(verdict.scales_to, 2);
}

TEST(CapacityTracker, RelievedGpuThatCompletesMoreScales) {
  CapacityTracker t(params());
  for (Time now : {0.0, 5.0, 10.0}) t.observe(view_of(shared_gpu(now, 1, load(4, 5000, 20))), now);
  // Two replicas, no longer congested (mu 5 at lambda 3.5 each, rho 0.7), completing 7 req/s:
  // more than 4.2 + 0.25 x 4.2 = 5.25 the congested GPU could at 1.
  for (Time now = 15; now <= 40; now += 5) {
    t.observe(view_of(shared_gpu(now, 2, mm1(5, 3.5))), now);
  }
  const ClusterView v = view_of(shared_gpu(40, 2, mm1(5, 3.5)));
  EXPECT_EQ(t.verdict(v.gpus[0], 40).scales_to, 2);
}

TEST(CapacityTracker, StartingReplicasMeanSettling) {
  const Time now = 1000;
  Observation obs =
      observation(now, 2, {serving("a", now, "gpu-0", mm1(5, 3)), starting("b", now, "gpu-0")},
                  {gpu("gpu-0", {"a", "b"}, now)}, 3);
  CapacityTracker t(params());
  const ClusterView v = view_of(obs);
  t.observe(v, now);
  EXPECT_TRUE(t.settling(v.gpus[0], now));
}

TEST(CapacityTracker, StaleReplicasAreNotMeasured) {
  const Time now = 1000;
  ServingSignals old = mm1(10, 6);
  old.sample_time = now - 60;
  Observation obs =
      observation(now, 1, {serving("a", now, "gpu-0", old)}, {gpu("gpu-0", {"a"}, now)}, 6);
  CapacityTracker t(params());
  t.observe(view_of(obs), now);
  EXPECT_FALSE(t.replica_rate());
  EXPECT_FALSE(t.estimate("gpu-0").capacity);
}

}  // namespace
}  // namespace userscale
