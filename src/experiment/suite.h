// An experiment suite: which scenarios, under which policies, with which seeds. Read from YAML
// (examples/experiments/default.yaml) and validated like every input: each error names its
// field path (`policies[2].params.alpha`, `scenarios[1].overrides.load.period`).
//
//   name: default
//   seeds: [1, 2, 3]              # or a count: `seeds: 3` means 1, 2, 3
//   scenarios:
//     - path: ../scenarios/ramp.yaml          # relative to the suite file
//       seeds: [1, 2, 3, 4, 5]                # optional, replaces the suite's
//       overrides: {duration: 20m}            # optional, merged into the scenario document
//   policies:
//     - name: userscale-score                 # a policy of core/policies/registry.h
//       label: score-5s                       # optional display name, unique
//       syncPeriodSeconds: 5                  # optional
//       params: {scale_up_cooldown: 8s}       # optional, the policy's own parameters
//       metrics: none | scenario | [...]      # optional: autoscaling/v2 metrics
//       behavior: none | scenario | {...}     # optional: autoscaling/v2 behavior
//   analysis:
//     targetUtilization: 0.8                  # capacity a replica may use (needed replicas)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario.h"
#include "config/trace.h"
#include "config/validated.h"
#include "core/autoscaler_spec.h"

namespace userscale::experiment {

// How a policy entry takes the scenario's `metrics` or `behavior`.
enum class Inherit { Default, Scenario, None, Own };

struct PolicyEntry {
  std::string name;   // registry name
  std::string label;  // how results name it; `name` unless given
  std::optional<std::map<std::string, std::string>> params;
  std::optional<double> sync_period_seconds;
  Inherit metrics_from = Inherit::Default;
  std::vector<MetricSpec> metrics;  // Own
  Inherit behavior_from = Inherit::Default;
  Behavior behavior;  // Own
};

struct ScenarioEntry {
  std::string path;                    // as written in the suite
  config::Scenario scenario;           // loaded, with the overrides applied
  std::optional<config::Trace> trace;  // loaded when the scenario replays one
  std::vector<std::uint64_t> seeds;
};

struct AnalysisSettings {
  double target_utilization = 0.8;
};

struct Suite {
  std::string name = "experiment";
  std::string description;
  std::vector<ScenarioEntry> scenarios;
  std::vector<PolicyEntry> policies;
  AnalysisSettings analysis;
};

// `base_dir` resolves the scenario paths (the suite file's folder).
Validated<Suite> parse_suite(const std::string& yaml_text, const std::string& base_dir);
Validated<Suite> load_suite(const std::string& path);

// The scenario's autoscaler with the policy entry applied: name, parameters, sync period, and
// metrics and behavior by the entry's rule. By default `hpa` keeps the scenario's metrics and
// `hpa`/`hpa-gpu` keep its behavior (they are the HPA the scenario configured); any other
// policy decides on its own signals and smooths by itself, so it gets neither. (make_plan also
// gives `gpuaware` the scenario's SLO as `slo_ms` when the entry does not set it.)
AutoscalerSpec apply_policy(const AutoscalerSpec& scenario_spec, const PolicyEntry& policy);

}  // namespace userscale::experiment
