// The policy the simulator builds for a scenario: gpuaware sizes for the scenario's own SLO
// unless its parameters say otherwise, in `userscale simulate` as in `userscale experiment`.
#include "sim/policy_factory.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sim/test_helpers.h"

namespace userscale::sim {
namespace {

// The latency target gpuaware sized for, read from its recommendation on an empty tick.
std::optional<double> slo_target(const config::Scenario& sc) {
  auto maker = make_policy_factory(sc, nullptr);
  if (!maker.ok()) return std::nullopt;
  auto policy = maker->make();
  if (!policy) return std::nullopt;
  const Recommendation r = policy->recommend(Observation{});
  for (const MetricProposal& m : r.metrics) {
    if (m.name == "replicas_for_slo") return m.target;
  }
  return std::nullopt;
}

TEST(PolicyFactory, GpuawareSizesForTheScenariosSlo) {
  auto sc = testing::queueing_scenario(1, 1, 0.05);
  sc.slo.latency_ms = 5000;
  sc.autoscaler.policy.name = "gpuaware";
  EXPECT_EQ(slo_target(sc), 5000.0);
}

TEST(PolicyFactory, GpuawaresOwnSloParameterWins) {
  auto sc = testing::queueing_scenario(1, 1, 0.05);
  sc.slo.latency_ms = 5000;
  sc.autoscaler.policy.name = "gpuaware";
  sc.autoscaler.policy.params["slo_ms"] = "250";
  EXPECT_EQ(slo_target(sc), 250.0);
}

TEST(PolicyFactory, ABadParameterNamesItsField) {
  auto sc = testing::queueing_scenario(1, 1, 0.05);
  sc.autoscaler.policy.name = "gpuaware";
  sc.autoscaler.policy.params["slo_ms"] = "-3";
  auto maker = make_policy_factory(sc, nullptr);
  ASSERT_FALSE(maker.ok());
  EXPECT_EQ(maker.error().path, "spec.policy.params.slo_ms");
}

}  // namespace
}  // namespace userscale::sim
