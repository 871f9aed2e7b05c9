// The results of an experiment as they are saved and read back: what ran (scenarios, policies,
// seeds, what was skipped or stopped) and one row per finished run. A row is `scenario`,
// `policy`, `seed`, `policy_name`, every key of `userscale simulate`'s summary.json and an
// `analysis` object (run_metrics.h). `userscale report` rebuilds everything from these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiment/runner.h"
#include "experiment/suite.h"
#include "sim/results.h"

namespace userscale::experiment {

using Row = nlohmann::ordered_json;

struct ScenarioInfo {
  std::string name;
  std::string description;
  std::string file;
  double duration_s = 0.0;
  double slo_latency_ms = 0.0;
  std::string load;  // closed, ramp, burst, ...
  // Nodes come and go and have prices, so the cost depends on the policy: cost in USD. A fixed
  // cluster costs the same under every policy; its cost is the GPU-hours the replicas hold.
  bool cost_in_usd = false;
  std::int32_t max_replicas = 0;
  std::vector<std::uint64_t> seeds;
};

struct PolicyInfo {
  std::string label;
  std::string name;
};

struct ExperimentInfo {
  std::string suite;
  std::string description;
  std::vector<ScenarioInfo> scenarios;
  std::vector<PolicyInfo> policies;  // those that ran
  std::vector<SkippedPolicy> skipped;
  std::size_t planned_runs = 0;
  std::size_t finished_runs = 0;
  bool interrupted = false;
  std::vector<std::string> failures;  // "scenario/policy/seed: error"
};

struct Results {
  ExperimentInfo info;
  std::vector<Row> rows;  // plan order
};

// The rows and the description of a run of `suite`. Outcomes not finished are left out.
Results collect_results(const Suite& suite, const Plan& plan,
                        const std::vector<RunOutcome>& outcomes, bool interrupted);

// One summary.json row.
Row make_row(const std::string& scenario, const std::string& policy_label,
             const std::string& policy_name, std::uint64_t seed, const sim::Summary& s,
             const NamedValues& analysis);

// A number at `path` (`throughput_rps`, `latency_ms.p99`, `analysis.gpu_hours`); NaN when it is
// absent or null.
double row_value(const Row& row, const std::string& path);

nlohmann::ordered_json info_json(const ExperimentInfo& info);
Result<ExperimentInfo> info_from_json(const nlohmann::ordered_json& j);

}  // namespace userscale::experiment
