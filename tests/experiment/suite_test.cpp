#include "experiment/suite.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_helpers.h"

namespace userscale::experiment {
namespace {

using testing::scenario_path;
using testing::ScratchDir;
using testing::source_dir;

std::string errors_text(const Validated<Suite>& s) {
  std::string all;
  if (s.ok()) return all;
  for (const Error& e : s.errors()) all += e.to_string() + "\n";
  return all;
}

bool has_error(const Validated<Suite>& s, const std::string& path, const std::string& fragment) {
  if (s.ok()) return false;
  return std::any_of(s.errors().begin(), s.errors().end(), [&](const Error& e) {
    return e.path == path && e.message.find(fragment) != std::string::npos;
  });
}

TEST(Suite, DefaultSuiteLoadsEveryExampleScenarioAndPolicy) {
  auto suite = load_suite(source_dir() + "/examples/experiments/default.yaml");
  ASSERT_TRUE(suite.ok()) << errors_text(suite);
  std::vector<std::string> names;
  for (const auto& s : suite->scenarios) names.push_back(s.scenario.name);
  std::sort(names.begin(), names.end());
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(source_dir() + "/examples/scenarios")) {
    if (f.path().extension() == ".yaml") files.push_back(f.path().stem().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(names, files);
  std::vector<std::string> policies;
  for (const auto& p : suite->policies) policies.push_back(p.name);
  for (const char* name :
       {"hpa", "hpa-gpu", "userscale-score", "ewma", "latency", "kpa", "gpuaware"}) {
    EXPECT_NE(std::find(policies.begin(), policies.end(), name), policies.end()) << name;
  }
  for (const auto& s : suite->scenarios) EXPECT_GE(s.seeds.size(), 3u) << s.scenario.name;
  // The overrides reach the scenario: the diurnal day is compressed into two hours.
  auto diurnal = std::find_if(suite->scenarios.begin(), suite->scenarios.end(),
                              [](const ScenarioEntry& e) { return e.scenario.name == "diurnal"; });
  ASSERT_NE(diurnal, suite->scenarios.end());
  EXPECT_DOUBLE_EQ(diurnal->scenario.duration, 7200.0);
  EXPECT_DOUBLE_EQ(diurnal->scenario.load.period, 7200.0);
  EXPECT_DOUBLE_EQ(diurnal->scenario.load.phase, 2700.0);
  EXPECT_DOUBLE_EQ(diurnal->scenario.load.rate, 100.0);  // untouched fields stay
}

TEST(Suite, ParsesSeedsLabelsParamsAndOverrides) {
  ScratchDir dir;
  const std::string yaml =
      "name: t\n"
      "seeds: 3\n"
      "scenarios:\n"
      "  - path: " +
      scenario_path("ramp") +
      "\n"
      "    seeds: [7, 9]\n"
      "    overrides: {duration: 5m, seed: 4, autoscaler: {spec: {maxReplicas: 3}}}\n"
      "  - path: " +
      scenario_path("seed-gtx1650") +
      "\n"
      "policies:\n"
      "  - name: ewma\n"
      "    label: ewma-fast\n"
      "    syncPeriodSeconds: 2\n"
      "    params: {alpha: 0.9}\n"
      "  - name: hpa\n"
      "    metrics: scenario\n"
      "    behavior: none\n"
      "analysis: {targetUtilization: 0.7}\n";
  auto suite = parse_suite(yaml, dir.str());
  ASSERT_TRUE(suite.ok()) << errors_text(suite);
  EXPECT_EQ(suite->name, "t");
  ASSERT_EQ(suite->scenarios.size(), 2u);
  EXPECT_EQ(suite->scenarios[0].seeds, (std::vector<std::uint64_t>{7, 9}));
  EXPECT_EQ(suite->scenarios[1].seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(suite->scenarios[0].scenario.duration, 300.0);
  EXPECT_EQ(suite->scenarios[0].scenario.autoscaler.max_replicas, 3);
  // Quoted scalars survive the override merge: averageValue "4" is still a valid quantity.
  ASSERT_EQ(suite->scenarios[0].scenario.autoscaler.metrics.size(), 1u);
  EXPECT_EQ(suite->scenarios[0].scenario.autoscaler.metrics[0].target.average_value_milli, 4000);
  ASSERT_EQ(suite->policies.size(), 2u);
  EXPECT_EQ(suite->policies[0].label, "ewma-fast");
  EXPECT_EQ(suite->policies[0].params->at("alpha"), "0.9");
  EXPECT_EQ(suite->policies[0].sync_period_seconds, 2.0);
  EXPECT_EQ(suite->policies[1].metrics_from, Inherit::Scenario);
  EXPECT_EQ(suite->policies[1].behavior_from, Inherit::None);
  EXPECT_DOUBLE_EQ(suite->analysis.target_utilization, 0.7);
}

TEST(Suite, ErrorsNameTheirFieldPaths) {
  ScratchDir dir;
  const std::string yaml =
      "name: t\n"
      "sedes: 3\n"
      "seeds: [1, -2, 1]\n"
      "scenarios:\n"
      "  - path: does-not-exist.yaml\n"
      "  - path: " +
      scenario_path("ramp") +
      "\n"
      "    overrides: {duration: -5m, load: {kind: wobble}}\n"
      "  - {path: " +
      scenario_path("burst") +
      ", seeds: 0}\n"
      "policies:\n"
      "  - name: hpaa\n"
      "  - name: ewma\n"
      "    params: {alpha: 7}\n"
      "  - name: kpa\n"
      "    syncPeriodSeconds: 0\n"
      "    metrics: some\n"
      "  - name: latency\n"
      "    label: bad label!\n"
      "analysis: {targetUtilization: 1.5}\n";
  auto suite = parse_suite(yaml, dir.str());
  ASSERT_FALSE(suite.ok());
  const std::string all = errors_text(suite);
  EXPECT_TRUE(has_error(suite, "sedes", "seeds")) << all;  // unknown field, with a suggestion
  EXPECT_TRUE(has_error(suite, "seeds[1]", "non-negative")) << all;
  EXPECT_TRUE(has_error(suite, "seeds[2]", "twice")) << all;
  EXPECT_TRUE(has_error(suite, "scenarios[0].path", "cannot read")) << all;
  EXPECT_TRUE(has_error(suite, "scenarios[1]", "duration")) << all;
  EXPECT_TRUE(has_error(suite, "scenarios[1]", "load.kind")) << all;
  EXPECT_TRUE(has_error(suite, "scenarios[2].seeds", "count from 1")) << all;
  EXPECT_TRUE(has_error(suite, "policies[0].name", "hpa")) << all;
  EXPECT_TRUE(has_error(suite, "policies[1].params.alpha", "")) << all;
  EXPECT_TRUE(has_error(suite, "policies[2].syncPeriodSeconds", "> 0")) << all;
  EXPECT_TRUE(has_error(suite, "policies[2].metrics", "none")) << all;
  EXPECT_TRUE(has_error(suite, "policies[3].label", "letters")) << all;
  EXPECT_TRUE(has_error(suite, "analysis.targetUtilization", "<= 1")) << all;
}

TEST(Suite, RequiresScenariosAndPoliciesAndUniqueNames) {
  ScratchDir dir;
  auto empty = parse_suite("name: t\n", dir.str());
  EXPECT_TRUE(has_error(empty, "scenarios", "required"));
  EXPECT_TRUE(has_error(empty, "policies", "required"));
  const std::string twice =
      "scenarios:\n"
      "  - path: " +
      scenario_path("ramp") +
      "\n"
      "  - path: " +
      scenario_path("ramp") +
      "\n"
      "policies: [{name: hpa}, {name: ewma, label: hpa}]\n";
  auto dup = parse_suite(twice, dir.str());
  EXPECT_TRUE(has_error(dup, "scenarios[1].path", "already used")) << errors_text(dup);
  EXPECT_TRUE(has_error(dup, "policies[1].label", "unique")) << errors_text(dup);
}

TEST(Suite, LoadSuitePrefixesTheFileAndResolvesRelativePaths) {
  ScratchDir dir;
  testing::write_file(dir.file("suites/s.yaml"),
                      "scenarios: [{path: ../sc/x.yaml}]\npolicies: [{name: hpa}]\n");
  testing::write_file(dir.file("sc/x.yaml"), testing::read_file(scenario_path("seed-gtx1650")));
  auto ok = load_suite(dir.file("suites/s.yaml"));
  ASSERT_TRUE(ok.ok()) << errors_text(ok);
  EXPECT_EQ(ok->scenarios[0].scenario.name, "seed-gtx1650");
  testing::write_file(dir.file("suites/bad.yaml"), "scenarios: 3\npolicies: [{name: hpa}]\n");
  auto bad = load_suite(dir.file("suites/bad.yaml"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errors()[0].path, dir.file("suites/bad.yaml") + ": scenarios");
}

PolicyEntry entry(const std::string& name, const std::string& label) {
  PolicyEntry p;
  p.name = name;
  p.label = label;
  return p;
}

TEST(ApplyPolicy, HpaKeepsTheScenarioSpecOthersDecideOnTheirOwn) {
  auto sc = config::load_scenario(scenario_path("seed-gtx1650"));
  ASSERT_TRUE(sc.ok());
  const AutoscalerSpec& base = sc->autoscaler;
  ASSERT_TRUE(base.behavior.has_value());
  ASSERT_EQ(base.metrics.size(), 1u);

  PolicyEntry hpa = entry("hpa", "hpa");
  AutoscalerSpec a = apply_policy(base, hpa);
  EXPECT_EQ(a.metrics.size(), 1u);
  EXPECT_EQ(a.metrics[0].name, "cpu");
  EXPECT_TRUE(a.behavior.has_value());
  EXPECT_EQ(a.sync_period_seconds, 15.0);

  PolicyEntry gpu = entry("hpa-gpu", "hpa-gpu");
  AutoscalerSpec g = apply_policy(base, gpu);
  EXPECT_TRUE(g.metrics.empty());  // the registry adds DCGM_FI_DEV_GPU_UTIL at 70
  EXPECT_TRUE(g.behavior.has_value());
  EXPECT_EQ(g.policy.name, "hpa-gpu");

  PolicyEntry score = entry("userscale-score", "score");
  score.sync_period_seconds = 5;
  score.params = std::map<std::string, std::string>{{"scale_up_cooldown", "8s"}};
  AutoscalerSpec s = apply_policy(base, score);
  EXPECT_TRUE(s.metrics.empty());
  EXPECT_FALSE(s.behavior.has_value());
  EXPECT_EQ(s.sync_period_seconds, 5.0);
  EXPECT_EQ(s.policy.params.at("scale_up_cooldown"), "8s");
  EXPECT_EQ(s.max_replicas, base.max_replicas);
  EXPECT_EQ(s.effective_min_replicas(), base.effective_min_replicas());

  PolicyEntry hpa_none = entry("hpa", "hpa-default");
  hpa_none.metrics_from = Inherit::None;
  hpa_none.behavior_from = Inherit::None;
  AutoscalerSpec n = apply_policy(base, hpa_none);
  ASSERT_EQ(n.metrics.size(), 1u);  // the API default: CPU at 80 %
  EXPECT_EQ(n.metrics[0].target.average_utilization, 80);
  EXPECT_FALSE(n.behavior.has_value());

  PolicyEntry kpa_keep = entry("kpa", "kpa");
  kpa_keep.behavior_from = Inherit::Scenario;
  EXPECT_TRUE(apply_policy(base, kpa_keep).behavior.has_value());
}

}  // namespace
}  // namespace userscale::experiment
