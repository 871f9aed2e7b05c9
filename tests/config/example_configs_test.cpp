// Every configuration under examples/configs is valid, each example is the policy its name
// says, and each one's parameters pass that policy's own checks where the policy has them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "config/gpu_autoscaler.h"
#include "config/gpu_autoscaler_test_support.h"
#include "core/policies/kpa/knobs.h"
#include "core/policies/registry.h"

namespace userscale::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::IsEmpty;

fs::path examples_dir() {
  return fs::path(USERSCALE_SOURCE_DIR) / "examples" / "configs";
}

std::vector<fs::path> example_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(examples_dir())) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

GpuAutoscaler load_ok(const std::string& name) {
  auto parsed = load_gpu_autoscaler_file(examples_dir() / name);
  EXPECT_THAT(error_lines(parsed), IsEmpty()) << name;
  return parsed.ok() ? parsed.value() : GpuAutoscaler{};
}

TEST(ExampleConfigs, EveryExampleIsValid) {
  std::vector<fs::path> files = example_files();
  ASSERT_GE(files.size(), 7u);
  for (const fs::path& file : files) {
    auto parsed = load_gpu_autoscaler_file(file);
    EXPECT_THAT(error_lines(parsed), IsEmpty()) << file;
  }
}

TEST(ExampleConfigs, EachPolicyHasItsExample) {
  struct Expected {
    const char* file;
    const char* policy;
  };
  for (const Expected& e :
       {Expected{"hpa-cpu.yaml", "hpa"}, Expected{"hpa-gpu.yaml", "hpa-gpu"},
        Expected{"userscale-score.yaml", "userscale-score"}, Expected{"ewma.yaml", "ewma"},
        Expected{"latency.yaml", "latency"}, Expected{"kpa.yaml", "kpa"},
        Expected{"gpuaware.yaml", "gpuaware"}, Expected{"hpa-manifest.yaml", "hpa"}}) {
    EXPECT_EQ(load_ok(e.file).spec.policy.name, e.policy) << e.file;
  }
}

TEST(ExampleConfigs, HpaCpuIsTheSeedHpa) {
  const AutoscalerSpec spec = load_ok("hpa-cpu.yaml").spec;
  ASSERT_EQ(spec.metrics.size(), 1u);
  EXPECT_EQ(spec.metrics[0].name, "cpu");
  EXPECT_EQ(spec.metrics[0].target.average_utilization, 40);
  EXPECT_EQ(spec.min_replicas, 1);
  EXPECT_EQ(spec.max_replicas, 6);
  ASSERT_TRUE(spec.behavior && spec.behavior->scale_down);
  EXPECT_EQ(spec.behavior->scale_down->stabilization_window_seconds, 30);
}

TEST(ExampleConfigs, HpaGpuScalesOnDcgmUtilizationAt70) {
  const AutoscalerSpec spec = load_ok("hpa-gpu.yaml").spec;
  ASSERT_EQ(spec.metrics.size(), 1u);
  EXPECT_EQ(spec.metrics[0].type, MetricSourceType::Pods);
  EXPECT_EQ(spec.metrics[0].name, "DCGM_FI_DEV_GPU_UTIL");
  EXPECT_EQ(spec.metrics[0].target.type, MetricTargetType::AverageValue);
  EXPECT_EQ(spec.metrics[0].target.average_value_milli, 70000);
}

TEST(ExampleConfigs, UserscaleScoreSyncsEveryFiveSeconds) {
  EXPECT_DOUBLE_EQ(load_ok("userscale-score.yaml").spec.sync_period_seconds, 5.0);
}

// The policies' own parameter checks (core/policies). Errors about the policy's name (one not
// built yet) are not about the example; errors about its parameters are.
TEST(ExampleConfigs, ParametersPassThePoliciesOwnChecks) {
  for (const fs::path& file : example_files()) {
    auto parsed = load_gpu_autoscaler_file(file);
    if (!parsed.ok()) continue;  // EveryExampleIsValid reports it
    for (const Error& e : policy_param_errors(parsed->spec)) {
      EXPECT_NE(e.path.rfind("spec.policy.params", 0), 0u) << file << ": " << e.to_string();
    }
  }
}

TEST(ExampleConfigs, KpaParametersAreKnativeKnobs) {
  const AutoscalerSpec spec = load_ok("kpa.yaml").spec;
  auto knobs = kpa::knobs_from_params(spec.policy.params);
  EXPECT_TRUE(knobs.ok()) << (knobs.ok() ? "" : knobs.error().to_string());
}

}  // namespace
}  // namespace userscale::testing
