#include "experiment/capacity_model.h"

#include <gtest/gtest.h>

#include "test_helpers.h"

namespace userscale::experiment {
namespace {

config::Scenario gpu_cluster(config::SharingMode mode, int gpus, int slots, double speed) {
  config::Scenario sc;
  config::NodePoolSpec pool;
  pool.gpus_per_node = gpus;
  pool.initial_nodes = 1;
  pool.gpu_speed = speed;
  sc.cluster.pools = {pool};
  sc.cluster.sharing.mode = mode;
  sc.cluster.sharing.replicas_per_gpu = slots;
  sc.service.gpu_cost = config::DistSpec::constant(0.1);
  sc.service.gpu_occupancy = 1.0;
  sc.service.cpu_cost = config::DistSpec::constant(0.001);
  sc.service.cpu_limit_cores = 1.0;
  sc.autoscaler.min_replicas = 1;
  sc.autoscaler.max_replicas = 6;
  sc.load.kind = config::LoadKind::Constant;
  return sc;
}

TEST(CapacityModel, ExclusiveGpusAddCapacityUntilTheyRunOut) {
  // Each replica: speed 1.5 / 0.1 s = 15 req/s; four GPUs, so replicas 5 and 6 stay pending.
  const auto m =
      capacity_model(gpu_cluster(config::SharingMode::Exclusive, 4, 1, 1.5), nullptr, 0.8);
  ASSERT_EQ(m.capacity.size(), 7u);
  EXPECT_DOUBLE_EQ(m.capacity[0], 0.0);
  EXPECT_NEAR(m.capacity[1], 15.0, 1e-9);
  EXPECT_NEAR(m.capacity[3], 45.0, 1e-9);
  EXPECT_NEAR(m.capacity[4], 60.0, 1e-9);
  EXPECT_NEAR(m.capacity[6], 60.0, 1e-9);
  EXPECT_EQ(m.needed(10.0), 1);  // 15 * 0.8 = 12 >= 10
  EXPECT_EQ(m.needed(12.5), 2);
  EXPECT_EQ(m.needed(40.0), 4);    // 3 give 36 < 40
  EXPECT_EQ(m.needed(1000.0), 4);  // more than 4 would not help
  EXPECT_EQ(m.needed(0.0), 1);     // minReplicas
}

TEST(CapacityModel, TimeSlicedReplicasShareOneGpuAndPayTheSwitch) {
  auto sc = gpu_cluster(config::SharingMode::TimeSlice, 1, 6, 1.0);
  sc.cluster.sharing.switch_overhead = 0.05;
  const auto m = capacity_model(sc, nullptr, 0.8);
  EXPECT_NEAR(m.capacity[1], 10.0, 1e-9);
  EXPECT_NEAR(m.capacity[2], 9.5, 1e-9);
  EXPECT_NEAR(m.capacity[6], 9.5, 1e-9);
  EXPECT_EQ(m.needed(100.0), 1);  // one replica already has the whole GPU
}

TEST(CapacityModel, PackedFillsAGpuFirstSpreadDoesNot) {
  auto sc = gpu_cluster(config::SharingMode::TimeSlice, 2, 2, 1.0);
  sc.cluster.sharing.placement = config::Placement::Packed;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[2], 10.0, 1e-9);  // both on GPU 0
  sc.cluster.sharing.placement = config::Placement::Spread;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[2], 20.0, 1e-9);
}

TEST(CapacityModel, OccupancyStreamsMpsAndCpuLimit) {
  // Occupancy 0.25: four requests run side by side at full speed: 40 req/s per replica.
  auto sc = gpu_cluster(config::SharingMode::Exclusive, 2, 1, 1.0);
  sc.service.gpu_occupancy = 0.25;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[1], 40.0, 1e-9);
  // One GPU stream: one request at a time, 10 req/s.
  sc.service.gpu_streams = 1;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[1], 10.0, 1e-9);
  // MPS clients of one stream each fill the GPU up to its occupancy: 4 replicas reach 40.
  auto mps = gpu_cluster(config::SharingMode::Mps, 1, 6, 1.0);
  mps.service.gpu_occupancy = 0.25;
  mps.service.gpu_streams = 1;
  const auto m = capacity_model(mps, nullptr, 0.8);
  EXPECT_NEAR(m.capacity[1], 10.0, 1e-9);
  EXPECT_NEAR(m.capacity[4], 40.0, 1e-9);
  EXPECT_NEAR(m.capacity[6], 40.0, 1e-9);
  // A CPU limit of 1 core at 0.05 CPU-s per request caps a replica at 20 req/s.
  auto cpu = gpu_cluster(config::SharingMode::Exclusive, 2, 1, 10.0);
  cpu.service.cpu_cost = config::DistSpec::constant(0.05);
  EXPECT_NEAR(capacity_model(cpu, nullptr, 0.8).capacity[2], 40.0, 1e-9);
}

TEST(CapacityModel, NodeAutoscalingCountsTheLargestCluster) {
  auto sc = gpu_cluster(config::SharingMode::Exclusive, 1, 1, 1.0);
  sc.cluster.pools[0].initial_nodes = 1;
  sc.cluster.pools[0].max_nodes = 3;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[3], 10.0, 1e-9);  // fixed: one GPU
  sc.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::Karpenter;
  EXPECT_NEAR(capacity_model(sc, nullptr, 0.8).capacity[3], 30.0, 1e-9);
}

TEST(CapacityModel, SeedScenarioNeedsOneReplica) {
  // seeds/000: one GTX 1650 time-sliced six ways, one sort at a time per process (2.2-4.8 s of
  // GPU): one replica keeps the GPU busy, so more replicas add no capacity.
  auto sc = config::load_scenario(testing::scenario_path("seed-gtx1650"));
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  const auto m = capacity_model(*sc, nullptr, 0.8);
  EXPECT_NEAR(m.capacity[1], 1.0 / 3.5, 1e-9);
  EXPECT_NEAR(m.capacity[6], 0.95 / 3.5, 1e-9);
  const double demand = closed_loop_demand_rps(*sc, nullptr);
  // 20 users, no think time, 3.5 s of GPU and 0.15 CPU-s at a 2-core limit per request.
  EXPECT_NEAR(demand, 20.0 / (3.5 + 0.075), 1e-9);
  EXPECT_EQ(m.needed(demand), 1);
}

TEST(CapacityModel, OpenLoopHasNoClosedLoopDemand) {
  auto sc = gpu_cluster(config::SharingMode::Exclusive, 1, 1, 1.0);
  EXPECT_EQ(closed_loop_demand_rps(sc, nullptr), 0.0);
}

TEST(CapacityModel, LlmCostComesFromTheTraceTokens) {
  auto sc = gpu_cluster(config::SharingMode::Exclusive, 1, 1, 1.0);
  config::LlmSpec llm;
  llm.prefill_seconds_per_token = 0.001;
  llm.decode_seconds_per_step = 0.01;
  llm.max_batch = 8;
  llm.input_tokens = config::DistSpec::constant(100);
  llm.output_tokens = config::DistSpec::constant(10);
  sc.service.llm = llm;
  EXPECT_NEAR(mean_gpu_cost(sc, nullptr), 0.1 + 0.1, 1e-12);
  config::Trace trace;
  trace.requests = {{0.0, 200, 20}, {1.0, 400, 40}};
  sc.load.kind = config::LoadKind::Trace;
  EXPECT_NEAR(mean_gpu_cost(sc, &trace), 0.3 + 0.3, 1e-12);
  // A batch of 8 decodes as fast as one: 8 / 0.6 s per replica.
  EXPECT_NEAR(capacity_model(sc, &trace, 0.8).capacity[1], 8.0 / 0.6, 1e-9);
}

}  // namespace
}  // namespace userscale::experiment
