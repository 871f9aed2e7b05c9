#include "experiment/run_metrics.h"

#include <gtest/gtest.h>

#include <map>

namespace userscale::experiment {
namespace {

sim::TimelineRow row(double t, int desired, int ready, int pods, double util, double cpu,
                     int in_flight, int queued, double arrivals) {
  sim::TimelineRow r;
  r.t = t;
  r.desired = desired;
  r.ready = ready;
  r.pods = pods;
  r.gpu_util = {util};
  r.cpu_cores = cpu;
  r.in_flight = in_flight;
  r.queued = queued;
  r.arrivals_rps = arrivals;
  r.nodes = 1;
  return r;
}

std::map<std::string, std::optional<double>> as_map(const NamedValues& v) {
  return {v.begin(), v.end()};
}

class RunMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::NodePoolSpec pool;
    sc.cluster.pools = {pool};
    sc.service.cpu_request_cores = 0.25;
    sc.load.kind = config::LoadKind::Ramp;
    capacity.capacity = {0, 10, 20, 30};
    capacity.min_replicas = 1;
    capacity.max_replicas = 3;
    capacity.target_utilization = 1.0;
    summary.completed = 24;
    summary.failed = 1;
    summary.avg_replicas = 2.5;
    summary.max_replicas = 3;
    summary.gpu_seconds = 7200;
    trace.timeline = {row(10, 1, 1, 1, 90, 0.1, 1, 19, 5), row(20, 3, 1, 3, 100, 0.3, 3, 17, 25),
                      row(30, 3, 3, 3, 98, 0.6, 3, 17, 25), row(40, 3, 3, 3, 96, 0.3, 3, 17, 15)};
    trace.scale_changes = {{12, 1, 3}};
    ctx.scenario = &sc;
    ctx.capacity = &capacity;
  }

  config::Scenario sc;
  CapacityModel capacity;
  sim::Summary summary;
  RunTrace trace;
  RunContext ctx;
};

TEST_F(RunMetricsTest, TheSeedTableDerivedMetrics) {
  const auto m = as_map(run_metrics(ctx, summary, trace));
  EXPECT_DOUBLE_EQ(*m.at("gpu_util_avg_pct"), 96.0);  // (90 + 100 + 98 + 96) / 4
  EXPECT_DOUBLE_EQ(*m.at("gpu_util_max_pct"), 100.0);
  // CPU over pods over the 0.25-core request: 40, 40, 80, 40 %.
  EXPECT_NEAR(*m.at("cpu_per_pod_pct"), 50.0, 1e-9);
  EXPECT_NEAR(*m.at("success_rate"), 24.0 / 25.0, 1e-12);
  EXPECT_NEAR(*m.at("requests_per_pod"), 24.0 / 2.5, 1e-12);
  EXPECT_NEAR(*m.at("gpu_efficiency_per_pod_pct"), 96.0 / 2.5, 1e-12);
  EXPECT_NEAR(*m.at("scaling_efficiency"), 2.5 / 3.0, 1e-12);
  EXPECT_NEAR(*m.at("concurrent_users_per_pod"), 20.0 / 2.5, 1e-12);
  EXPECT_NEAR(*m.at("gpu_hours"), 2.0, 1e-12);
}

TEST_F(RunMetricsTest, ScalingAndCapacityMetrics) {
  const auto m = as_map(run_metrics(ctx, summary, trace));
  EXPECT_DOUBLE_EQ(*m.at("time_to_first_scale_up_s"), 12.0);
  EXPECT_DOUBLE_EQ(*m.at("time_to_max_pods_s"), 12.0);
  // Needed: 1, 3, 3, 2 (capacity 10 per replica, arrivals 5, 25, 25, 15 req/s).
  EXPECT_DOUBLE_EQ(*m.at("peak_needed_replicas"), 3.0);
  // Three were first needed at 20 s and ready at 30 s.
  EXPECT_DOUBLE_EQ(*m.at("time_to_needed_capacity_s"), 10.0);
  EXPECT_DOUBLE_EQ(*m.at("over_provisioned_replica_s"), 10.0);   // 3 pods for 2 needed, 10 s
  EXPECT_DOUBLE_EQ(*m.at("under_provisioned_replica_s"), 20.0);  // 1 ready for 3, 10 s
}

TEST_F(RunMetricsTest, WhatNeverHappenedIsAbsent) {
  trace.scale_changes = {{12, 3, 2}};  // only a scale-down
  trace.timeline[2].ready = 2;
  trace.timeline[3].ready = 2;
  const auto m = as_map(run_metrics(ctx, summary, trace));
  EXPECT_FALSE(m.at("time_to_first_scale_up_s").has_value());
  EXPECT_FALSE(m.at("time_to_max_pods_s").has_value());
  EXPECT_FALSE(m.at("time_to_needed_capacity_s").has_value());
}

TEST_F(RunMetricsTest, ReadyFromTheStartNeedsNoTime) {
  for (auto& r : trace.timeline) r.arrivals_rps = 25, r.ready = 3;
  const auto m = as_map(run_metrics(ctx, summary, trace));
  EXPECT_DOUBLE_EQ(*m.at("time_to_needed_capacity_s"), 0.0);
}

TEST_F(RunMetricsTest, ClosedLoopUsesItsDemand) {
  sc.load.kind = config::LoadKind::Closed;
  ctx.closed_loop_demand_rps = 15;  // needs 2 throughout, whatever the arrivals
  const auto m = as_map(run_metrics(ctx, summary, trace));
  EXPECT_DOUBLE_EQ(*m.at("peak_needed_replicas"), 2.0);
  // Ready 1, 1, 3, 3 against 2: under 10 + 10; pods 1, 3, 3, 3: over 0 + 10 + 10 + 10.
  EXPECT_DOUBLE_EQ(*m.at("under_provisioned_replica_s"), 20.0);
  EXPECT_DOUBLE_EQ(*m.at("over_provisioned_replica_s"), 30.0);
  EXPECT_DOUBLE_EQ(*m.at("time_to_needed_capacity_s"), 20.0);
}

TEST(GpusPresent, FixedClusterCountsEveryColumnAutoscaledCountsNodes) {
  config::Scenario sc;
  config::NodePoolSpec pool;
  pool.gpus_per_node = 2;
  sc.cluster.pools = {pool};
  sim::TimelineRow r;
  r.gpu_util = {0, 0, 0, 0, 0, 0};
  r.nodes = 2;
  EXPECT_DOUBLE_EQ(gpus_present(sc, r), 6.0);
  sc.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::Karpenter;
  EXPECT_DOUBLE_EQ(gpus_present(sc, r), 4.0);
}

TEST(CaptureSink, KeepsRowsAndRescalesOnly) {
  CaptureSink sink;
  sim::DecisionRecord hold;
  hold.t = 5;
  hold.decision.current_replicas = 1;
  hold.decision.desired_replicas = 1;
  sim::DecisionRecord up = hold;
  up.t = 10;
  up.decision.desired_replicas = 4;
  up.decision.rescale = true;
  sink.on_decision(hold);
  sink.on_decision(up);
  sink.on_sample(row(3, 1, 1, 1, 50, 0.1, 1, 0, 1));
  RunTrace t = sink.take();
  ASSERT_EQ(t.scale_changes.size(), 1u);
  EXPECT_EQ(t.scale_changes[0].t, 10);
  EXPECT_EQ(t.scale_changes[0].from, 1);
  EXPECT_EQ(t.scale_changes[0].to, 4);
  ASSERT_EQ(t.timeline.size(), 1u);
  EXPECT_EQ(t.timeline[0].t, 3);
}

}  // namespace
}  // namespace userscale::experiment
