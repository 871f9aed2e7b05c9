// Node autoscaling: pending pods bring nodes after the provisioning delay, empty nodes go after
// their TTL, and node-hours are priced.
#include <gtest/gtest.h>

#include "test_helpers.h"

namespace userscale::sim {
namespace {

// Scales to `high` replicas at t = 15 s and back to 1 at `down_at`.
class StepPolicy : public Policy {
 public:
  StepPolicy(int high, double down_at) : high_(high), down_at_(down_at) {}
  std::string name() const override { return "step"; }
  Recommendation recommend(const Observation& obs) override {
    Recommendation r;
    r.desired_replicas = obs.now - 1735689600.0 < down_at_ ? high_ : 1;
    return r;
  }

 private:
  int high_;
  double down_at_;
};

struct Rows : Sink {
  std::vector<TimelineRow> rows;
  void on_sample(const TimelineRow& r) override { rows.push_back(r); }
};

TEST(Nodes, PendingPodsGetNodesAndEmptyNodesGoAway) {
  auto sc = testing::queueing_scenario(1, 1, 0.01);
  sc.duration = 600.0;
  sc.sample_period = 5.0;
  auto& pool = sc.cluster.pools[0];
  pool.min_nodes = 1;
  pool.max_nodes = 4;
  pool.cost_per_hour = 3.6;  // $0.001 per node-second
  sc.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::Karpenter;
  sc.cluster.node_autoscaler.provision_delay = config::DistSpec::constant(40.0);
  sc.cluster.node_autoscaler.scan_interval = 5.0;
  sc.cluster.node_autoscaler.empty_node_ttl = 30.0;
  sc.service.startup.cuda_init = config::DistSpec::constant(2.0);
  sc.service.startup.model_load = config::DistSpec::constant(2.0);
  sc.service.startup.readiness_delay = 1.0;
  sc.autoscaler.min_replicas = 1;
  sc.autoscaler.max_replicas = 4;
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = 10.0;
  Rows rows;
  auto s = simulate({&sc, [] { return std::make_unique<StepPolicy>(4, 300.0); }, nullptr, &rows});
  ASSERT_TRUE(s.ok());
  auto at = [&](double t) {
    for (const auto& r : rows.rows) {
      if (r.t >= t) return r;
    }
    return rows.rows.back();
  };
  // t = 15: 3 pods pending, the scan at 15-20 s orders 3 nodes, Ready 40 s later.
  EXPECT_EQ(at(30).pending, 3);
  EXPECT_EQ(at(30).nodes, 4);  // provisioning nodes are counted (and billed)
  EXPECT_EQ(at(90).ready, 4);
  // Down to 1 at 300 s: three nodes empty, removed after 30 s.
  EXPECT_EQ(at(320).nodes, 4);
  EXPECT_EQ(at(360).nodes, 1);
  // Node-seconds: 1 node for 600 s, 3 nodes from ~15-20 s to ~330-340 s.
  EXPECT_GT(s->node_seconds, 600.0 + 3 * 300.0);
  EXPECT_LT(s->node_seconds, 600.0 + 3 * 330.0);
  EXPECT_NEAR(s->cost_usd, s->node_seconds * 0.001, 1e-9);
}

// Two nodes of one time-sliced GPU (2 slots) each, 2 replicas spread one per node, then 1 more
// and back: once a node's pods fit in the other nodes' free slots for `consolidate_after`, the
// node is drained (its pod replaced on the other node) and removed.
config::Scenario two_half_full_nodes(bool consolidation) {
  auto sc = testing::queueing_scenario(1, 2, 0.01);
  sc.duration = 300.0;
  sc.sample_period = 5.0;
  auto& pool = sc.cluster.pools[0];
  pool.initial_nodes = 2;
  pool.min_nodes = 1;
  pool.max_nodes = 2;
  sc.cluster.sharing.mode = config::SharingMode::TimeSlice;
  sc.cluster.sharing.replicas_per_gpu = 2;
  sc.cluster.sharing.placement = config::Placement::Spread;
  sc.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::Karpenter;
  sc.cluster.node_autoscaler.scan_interval = 5.0;
  sc.cluster.node_autoscaler.consolidation = consolidation;
  sc.cluster.node_autoscaler.consolidate_after = 30.0;
  sc.service.startup.model_load = config::DistSpec::constant(5.0);
  sc.service.termination_grace = 10.0;
  sc.autoscaler.min_replicas = 2;
  sc.autoscaler.max_replicas = 2;
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = 5.0;
  return sc;
}

TEST(Nodes, ConsolidationMovesPodsOffAnUnderusedNodeAndRemovesIt) {
  auto sc = two_half_full_nodes(true);
  Rows rows;
  auto s = simulate({&sc, testing::keep_policy(2), nullptr, &rows});
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->node_consolidations, 1u);
  // Both pods fit on one node's GPU from the start: one node is drained after 30-35 s and gone
  // a grace period later; its pod is replaced on the other node and is Ready again.
  EXPECT_EQ(rows.rows.back().nodes, 1);
  EXPECT_EQ(rows.rows.back().ready, 2);
  EXPECT_LT(s->node_seconds, 300.0 + 50.0);
  EXPECT_GT(s->node_seconds, 300.0 + 40.0);
  EXPECT_EQ(s->failed, 0u);  // the drained pod finished what it had
}

TEST(Nodes, NoConsolidationWhenItIsOff) {
  auto sc = two_half_full_nodes(false);
  auto s = simulate({&sc, testing::keep_policy(2), nullptr, nullptr});
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->node_consolidations, 0u);
  EXPECT_NEAR(s->node_seconds, 600.0, 1e-6);
}

}  // namespace
}  // namespace userscale::sim
