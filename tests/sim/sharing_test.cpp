// How GPUs are shared: time-sliced replicas split one GPU's throughput, more GPUs add it, and
// replicas that do not fit in the card's memory are OOM-killed, newest first.
#include <gtest/gtest.h>

#include "test_helpers.h"

namespace userscale::sim {
namespace {

// A saturating closed loop (40 users, no think time) on `gpus` time-sliced GPUs.
config::Scenario saturated(int gpus, int replicas, double overhead) {
  auto sc = testing::queueing_scenario(gpus, replicas, 0.05);
  sc.cluster.sharing.mode = config::SharingMode::TimeSlice;
  sc.cluster.sharing.replicas_per_gpu = 8;
  sc.cluster.sharing.switch_overhead = overhead;
  sc.cluster.sharing.placement = config::Placement::Spread;
  sc.load.kind = config::LoadKind::Closed;
  sc.load.users = 40;
  sc.duration = 2000.0;
  return sc;
}

Summary run(const config::Scenario& sc) {
  auto s = simulate({&sc, testing::keep_policy(), nullptr, nullptr});
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? *s : Summary{};
}

TEST(Sharing, TimeSlicedReplicasOnASaturatedGpuAddNoThroughput) {
  const double one = run(saturated(1, 1, 0.0)).throughput_rps;
  const double four = run(saturated(1, 4, 0.0)).throughput_rps;
  EXPECT_NEAR(one, 20.0, 20.0 * 0.02);  // one GPU, 50 ms per request
  EXPECT_NEAR(four, one, one * 0.02);
}

TEST(Sharing, ContextSwitchOverheadCostsThroughputWhenReplicasShare) {
  const double one = run(saturated(1, 1, 0.1)).throughput_rps;   // alone: no switching
  const double four = run(saturated(1, 4, 0.1)).throughput_rps;  // four busy replicas
  EXPECT_NEAR(one, 20.0, 20.0 * 0.02);
  EXPECT_NEAR(four, 18.0, 18.0 * 0.02);
}

TEST(Sharing, AddingGpusAddsThroughput) {
  const double one = run(saturated(1, 2, 0.0)).throughput_rps;
  const double two = run(saturated(2, 2, 0.0)).throughput_rps;  // spread: one replica per GPU
  EXPECT_NEAR(two, 2.0 * one, 2.0 * one * 0.02);
}

TEST(Sharing, MpsFillsTheGpuWithLowOccupancyKernels) {
  // Each request can use only a quarter of the GPU. Time slicing cannot overlap the replicas;
  // MPS runs four at once.
  auto ts = saturated(1, 4, 0.0);
  ts.load.users = 400;  // every replica always has work: isolation shows, not routing luck
  ts.service.gpu_occupancy = 0.25;
  ts.service.gpu_streams = 1;
  auto mps = ts;
  mps.cluster.sharing.mode = config::SharingMode::Mps;
  const double sliced = run(ts).throughput_rps;
  const double shared = run(mps).throughput_rps;
  // Sliced: one request at a time on the GPU, at its full speed: 1 / 50 ms. MPS: four at once.
  EXPECT_NEAR(sliced, 20.0, 20.0 * 0.02);
  EXPECT_NEAR(shared, 80.0, 80.0 * 0.02);
}

TEST(Sharing, MigPartitionsAreIsolated) {
  // Seven 1g partitions: each replica gets 1/7 of the GPU whatever the others do.
  auto sc = saturated(1, 7, 0.0);
  sc.load.users = 400;
  sc.cluster.sharing.mode = config::SharingMode::Mig;
  sc.cluster.sharing.mig_profile = "1g.5gb";
  const auto s = run(sc);
  EXPECT_NEAR(s.throughput_rps, 20.0, 20.0 * 0.02);
  EXPECT_NEAR(s.gpu_seconds, 2000.0, 1.0);  // seven sevenths of one GPU, the whole run
}

TEST(Sharing, OverPackedGpuOomKillsTheNewestReplica) {
  auto sc = saturated(1, 1, 0.0);
  sc.duration = 200.0;
  sc.cluster.pools[0].gpu_memory_bytes = 4e9;
  sc.service.memory_base_bytes = 1.5e9;  // two fit, the third does not
  sc.autoscaler.max_replicas = 3;
  sc.autoscaler.min_replicas = 3;  // the controller asks for 3 at its first tick
  sc.service.startup.cuda_init = config::DistSpec::constant(1.0);
  sc.service.startup.model_load = config::DistSpec::constant(1.0);
  struct Rows : Sink {
    int max_ready = 0;
    void on_sample(const TimelineRow& r) override { max_ready = std::max(max_ready, r.ready); }
  } rows;
  auto s = simulate({&sc, testing::keep_policy(3), nullptr, &rows});
  ASSERT_TRUE(s.ok());
  // Scaled 1 -> 3 at 15 s; both new replicas start together, the newer one dies at load; it
  // restarts after 10 s, 20 s, 40 s, 80 s of back-off and dies each time.
  EXPECT_GE(s->oom_kills, 4u);
  EXPECT_LE(s->oom_kills, 6u);
  EXPECT_EQ(rows.max_ready, 2);
  EXPECT_EQ(s->crashed, 0u);  // it never served: no request was lost
}

TEST(Sharing, RequestMemoryOverflowKillsTheNewestReplicaAndItsRequests) {
  auto sc = saturated(1, 2, 0.0);
  sc.duration = 100.0;
  sc.cluster.pools[0].gpu_memory_bytes = 4e9;
  sc.service.memory_base_bytes = 1e9;
  sc.service.memory_per_request_bytes = 0.2e9;  // 2 GB base + 20 x 0.2 GB in flight: too much
  const auto s = run(sc);
  EXPECT_GT(s.oom_kills, 0u);
  EXPECT_GT(s.crashed, 0u);
}

}  // namespace
}  // namespace userscale::sim
