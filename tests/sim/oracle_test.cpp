// The oracle: its view of the future load, its measured table, and its runs.
#include <gtest/gtest.h>

#include "config/scenario.h"
#include "sim/oracle_model.h"
#include "sim/oracle_policy.h"
#include "sim/policy_factory.h"
#include "sim/rate_schedule.h"
#include "test_helpers.h"

namespace userscale::sim {
namespace {

TEST(RateSchedule, ACurveBucketReadsItsHighestRate) {
  config::LoadSpec load;
  load.kind = config::LoadKind::Burst;
  load.rate = 10;
  load.peak_rate = 50;
  load.start = 105;  // inside the bucket [100, 110)
  load.length = 30;
  const RateSchedule s(load, nullptr, 300);
  EXPECT_EQ(s.bucket_seconds(), 10.0);
  EXPECT_DOUBLE_EQ(s.peak(0, 99), 10.0);
  EXPECT_DOUBLE_EQ(s.peak(100, 100), 50.0);  // the burst's first seconds are not averaged away
  EXPECT_DOUBLE_EQ(s.peak(140, 200), 10.0);
  EXPECT_DOUBLE_EQ(s.peak(0, 1000), 50.0);  // past the end: the last bucket
}

TEST(RateSchedule, ATraceBucketCountsItsArrivalsScaledAndShifted) {
  config::Trace trace;
  for (int i = 0; i < 120; ++i) trace.requests.push_back({i * 0.5 + 30.0, 10, 10});  // 2/s
  config::LoadSpec load;
  load.kind = config::LoadKind::Trace;
  load.trace_offset = 30.0;
  load.time_scale = 0.5;  // twice as fast: 4/s over 30 s
  load.rate_scale = 2.0;  // and each request twice: 8/s
  const RateSchedule s(load, &trace, 120);
  EXPECT_EQ(s.bucket_seconds(), 60.0);
  EXPECT_NEAR(s.peak(0, 59), 120 * 2.0 / 60.0, 1e-9);
  EXPECT_DOUBLE_EQ(s.peak(60, 119), 0.0);
}

// M/M/1 FCFS replicas (one GPU stream each): the response time tail is exp(-(mu - lambda) t).
config::Scenario fcfs_replicas(int gpus) {
  auto sc = testing::queueing_scenario(gpus, 1, 0.1);  // mu = 10/s per replica
  sc.service.gpu_streams = 1;
  sc.service.load_balancing = config::LoadBalancing::Random;
  sc.autoscaler.min_replicas = 1;
  sc.autoscaler.max_replicas = gpus;
  sc.slo.latency_ms = 1000;
  sc.load.kind = config::LoadKind::Poisson;
  return sc;
}

TEST(OracleModel, TheTableMatchesQueueingTheory) {
  auto sc = fcfs_replicas(3);
  sc.load.rate = 5;
  auto model = build_oracle_model(sc, nullptr, OracleParams{});
  ASSERT_TRUE(model.ok()) << model.error().to_string();
  const auto& m = **model;
  // 99.5 % within 1 s: exp(-(10 - lambda)) <= 0.005, lambda <= 4.70 per replica.
  EXPECT_NEAR(m.carried[1], 4.70, 0.7);
  // Random balancing splits Poisson streams: n independent M/M/1 queues.
  EXPECT_NEAR(m.carried[2], 2 * 4.70, 1.4);
  EXPECT_NEAR(m.carried[3], 3 * 4.70, 2.1);
  EXPECT_EQ(m.needed_for_rate(0.0), 1);
  EXPECT_EQ(m.needed_for_rate(m.carried[1]), 1);
  EXPECT_EQ(m.needed_for_rate(m.carried[1] * 1.01), 2);
  EXPECT_EQ(m.needed_for_rate(1e6), 3);  // none carries it: the most that can be had
  // One exclusive GPU per replica: a replica holds one GPU-second per second.
  EXPECT_NEAR(m.gpu_share[2], 2.0, 1e-9);
}

TEST(OracleModel, AnSloShorterThanSomeRequestsAimsJustBelowWhatTheServiceCanDo) {
  // Exponential service of 0.1 s against a 0.3 s SLO: e^-3 = 5 % of requests are late however
  // idle the replicas are, so 99.5 % is unreachable. The table must not collapse to nothing
  // (the oracle would hold its minimum through any load): it aims half a point below the
  // unloaded attainment, and more replicas carry more.
  auto sc = fcfs_replicas(3);
  sc.slo.latency_ms = 300;
  sc.load.rate = 1;
  auto model = build_oracle_model(sc, nullptr, OracleParams{});
  ASSERT_TRUE(model.ok()) << model.error().to_string();
  const auto& m = **model;
  EXPECT_NEAR(m.target_attainment, 0.945, 0.02);
  EXPECT_GT(m.carried[1], 0.0);
  EXPECT_GE(m.carried[2], m.carried[1]);
  EXPECT_GE(m.carried[3], m.carried[2]);
  EXPECT_GT(m.carried[3], m.carried[1]);
}

TEST(OracleModel, TheLookaheadIsTheSlowestProvisioningPlusATick) {
  config::Scenario sc;
  sc.cluster.scheduling_delay = 1;
  sc.service.startup.image_pull = config::DistSpec::constant(20);
  sc.service.startup.cuda_init = config::DistSpec::uniform(3, 6);
  sc.service.startup.model_load = config::DistSpec::uniform(5, 10);
  sc.service.startup.readiness_delay = 5;
  EXPECT_DOUBLE_EQ(provisioning_delay_upper(sc), 1 + 20 + 6 + 10 + 5);
  sc.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::Karpenter;
  sc.cluster.node_autoscaler.provision_delay = config::DistSpec::constant(60);
  sc.cluster.node_autoscaler.scan_interval = 10;
  EXPECT_DOUBLE_EQ(provisioning_delay_upper(sc), 42 + 60 + 10);
}

TEST(Oracle, ScalesAheadOfARampAndMeetsTheSlo) {
  auto sc = fcfs_replicas(4);
  sc.duration = 1200;
  sc.load.kind = config::LoadKind::Ramp;
  sc.load.from_rate = 2;
  sc.load.to_rate = 17;
  sc.load.start = 300;
  sc.load.length = 600;
  sc.service.startup.model_load = config::DistSpec::constant(30);
  sc.autoscaler.policy.name = "oracle";
  auto maker = make_policy_factory(sc, nullptr);
  ASSERT_TRUE(maker.ok()) << maker.error().to_string();
  ASSERT_NE(maker->oracle, nullptr);
  auto run = simulate({&sc, maker->make, nullptr, nullptr});
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run->policy, "oracle");
  EXPECT_GE(run->slo_attainment, 0.99);
  EXPECT_EQ(run->max_replicas, 4);
  // Cheaper than holding the most it ever needs, dearer than scaling instantly for free.
  EXPECT_LT(run->gpu_seconds, 4 * sc.duration * 0.8);
  const double bound = maker->oracle->fluid_bound_gpu_seconds(sc.duration);
  EXPECT_GT(bound, 0.0);
  EXPECT_GE(run->gpu_seconds, bound);
  EXPECT_LT(run->gpu_seconds, 1.3 * bound);
}

TEST(Oracle, AClosedLoopOnOneTimeSlicedGpuGetsOneReplica) {
  auto sc = config::load_scenario(std::string(USERSCALE_SOURCE_DIR) +
                                  "/examples/scenarios/seed-gtx1650.yaml");
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  sc->autoscaler.policy.name = "oracle";
  sc->autoscaler.behavior.reset();
  auto maker = make_policy_factory(*sc, nullptr);
  ASSERT_TRUE(maker.ok()) << maker.error().to_string();
  const OracleModel& m = *maker->oracle;
  ASSERT_TRUE(m.closed_loop());
  // Replicas time-slicing the one saturated GPU add its switch overhead and nothing else.
  EXPECT_EQ(m.closed_loop_replicas, 1);
  EXPECT_GE(m.attainment[1], m.attainment[static_cast<std::size_t>(m.max_replicas)]);
}

TEST(Oracle, BadParametersNameTheirField) {
  auto sc = fcfs_replicas(1);
  sc.autoscaler.policy.name = "oracle";
  sc.autoscaler.policy.params["lookahed"] = "30s";
  auto maker = make_policy_factory(sc, nullptr);
  ASSERT_FALSE(maker.ok());
  EXPECT_EQ(maker.error().path, "spec.policy.params.lookahed");
  EXPECT_NE(maker.error().message.find("lookahead"), std::string::npos);
}

}  // namespace
}  // namespace userscale::sim
