// gpuaware's parameters: defaults, every check, and the registry slot.
#include "core/policies/gpuaware/gpuaware_params.h"

#include <gtest/gtest.h>

#include "core/autoscaler_spec.h"
#include "core/policies/registry.h"

namespace userscale {
namespace {

std::vector<std::string> error_lines(const ParamMap& params) {
  ParamReader reader(params);
  read_gpuaware_params(reader, 5);
  std::vector<std::string> out;
  for (const Error& e : reader.finish()) out.push_back(e.to_string());
  return out;
}

TEST(GpuAwareParams, Defaults) {
  auto p = parse_gpuaware_params({}, 5);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->slo_ms, 1000);
  EXPECT_DOUBLE_EQ(p->slo_percentile, 0.99);
  EXPECT_EQ(p->queue_model, QueueModel::ErlangC);
  EXPECT_EQ(p->placement, PlacementParam::Auto);
  EXPECT_DOUBLE_EQ(p->staleness, 15);  // 3 sync periods
  EXPECT_DOUBLE_EQ(parse_gpuaware_params({}, 15)->staleness, 45);
  EXPECT_DOUBLE_EQ(p->sync_period, 5);
  EXPECT_DOUBLE_EQ(p->tolerance, 0.05);
  EXPECT_DOUBLE_EQ(p->scale_down_band, 0.9);
  EXPECT_TRUE(p->enabled("forecast"));
}

TEST(GpuAwareParams, ReadsEveryKind) {
  auto p = parse_gpuaware_params({{"slo_ms", "200"},
                                  {"slo_percentile", "0.95"},
                                  {"queue_model", "split"},
                                  {"placement", "packed"},
                                  {"provisioning_delay", "1m"},
                                  {"slices_per_gpu", "6"},
                                  {"replica_memory_bytes", "1.5e9"},
                                  {"tolerance", "0"},
                                  {"disable", "forecast, memory"}},
                                 5);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_DOUBLE_EQ(p->slo_ms, 200);
  EXPECT_EQ(p->queue_model, QueueModel::Split);
  EXPECT_EQ(p->placement, PlacementParam::Packed);
  EXPECT_DOUBLE_EQ(p->provisioning_delay, 60);
  EXPECT_EQ(p->slices_per_gpu, 6);
  EXPECT_DOUBLE_EQ(p->replica_memory_bytes, 1.5e9);
  EXPECT_DOUBLE_EQ(p->tolerance, 0);
  EXPECT_FALSE(p->enabled("forecast"));
  EXPECT_FALSE(p->enabled("memory"));
  EXPECT_TRUE(p->enabled("topology"));
}

TEST(GpuAwareParams, ErrorsNameTheParameter) {
  EXPECT_EQ(error_lines({{"slo_ms", "-5"}}),
            std::vector<std::string>{"spec.policy.params.slo_ms: must be > 0, got -5"});
  EXPECT_EQ(
      error_lines({{"slo_percentile", "1"}}),
      std::vector<std::string>{"spec.policy.params.slo_percentile: must be in (0, 1), got 1"});
  EXPECT_EQ(error_lines({{"tolerance", "1"}}),
            std::vector<std::string>{"spec.policy.params.tolerance: must be in [0, 1), got 1"});
  EXPECT_EQ(error_lines({{"placement", "packd"}}),
            std::vector<std::string>{"spec.policy.params.placement: unknown name \"packd\" (did "
                                     "you mean \"packed\"?); known: auto, packed, spread"});
  EXPECT_EQ(
      error_lines({{"queue_model", "erlang-c,split"}}),
      std::vector<std::string>{"spec.policy.params.queue_model: must be one of the names, got 2"});
  EXPECT_EQ(error_lines({{"supply_timeout", "3"}}),
            std::vector<std::string>{"spec.policy.params.supply_timeout: supply_timeout (3) must "
                                     "be above pending_grace (5)"});
  EXPECT_EQ(error_lines({{"slices_per_gpu", "2.5"}}),
            std::vector<std::string>{
                "spec.policy.params.slices_per_gpu: must be a whole number, got \"2.5\""});
  EXPECT_EQ(error_lines({{"disable", "forcast"}}),
            std::vector<std::string>{
                "spec.policy.params.disable: unknown name \"forcast\" (did you mean "
                "\"forecast\"?); known: forecast, topology, startup, memory, hysteresis, "
                "latency-guard"});
  EXPECT_EQ(error_lines({{"slo_msec", "200"}}),
            std::vector<std::string>{
                "spec.policy.params.slo_msec: unknown parameter (did you mean \"slo_ms\"?)"});
  // All mistakes at once.
  EXPECT_EQ(error_lines({{"headroom", "x"}, {"min_gain", "0"}, {"staleness", "0"}}).size(), 3u);
}

AutoscalerSpec spec_with(const ParamMap& params) {
  AutoscalerSpec spec;
  spec.min_replicas = 1;
  spec.max_replicas = 10;
  spec.sync_period_seconds = 5;
  spec.policy.name = "gpuaware";
  spec.policy.params = params;
  return spec;
}

TEST(GpuAwareParams, TheRegistryBuildsIt) {
  auto policy = make_policy(spec_with({{"slo_ms", "200"}}), HpaSettings{});
  ASSERT_TRUE(policy.ok()) << policy.error().to_string();
  EXPECT_EQ((*policy)->name(), "gpuaware");
  EXPECT_TRUE(policy_param_errors(spec_with({})).empty());

  auto bad = make_policy(spec_with({{"slo_ms", "0"}}), HpaSettings{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "spec.policy.params.slo_ms");
  EXPECT_EQ(policy_param_errors(spec_with({{"slo_ms", "0"}, {"placement", "x"}})).size(), 2u);
}

}  // namespace
}  // namespace userscale
