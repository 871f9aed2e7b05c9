// How each policy stands against the oracle and against the others, per scenario: the checks
// that issue 7 asks of `gpuaware`, computed for every policy from the comparison's means, so
// that the report says where a policy meets them and where it does not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiment/comparison.h"
#include "experiment/results.h"

namespace userscale::experiment {

// The bar against the oracle: where the oracle keeps `slo_bar` of requests within the SLO, a
// policy meets it when it keeps `slo_bar` too at no more than `cost_factor` times its GPU-hours.
struct OracleBar {
  double slo_bar = 99.0;  // percent
  double cost_factor = 1.15;
};

struct PolicyStanding {
  std::size_t policy = 0;
  double slo = 0.0;  // percent, mean over seeds
  double gpu_hours = 0.0;
  std::optional<double> cost_ratio;      // GPU-hours over the oracle's
  std::optional<bool> meets_oracle_bar;  // unset when the oracle misses the SLO or did not run
};

struct ScenarioStanding {
  std::string scenario;
  std::optional<std::size_t> oracle;  // the oracle's policy index, when it ran
  double oracle_slo = 0.0;
  double oracle_gpu_hours = 0.0;
  std::vector<PolicyStanding> policies;  // every policy with runs but the oracle
};

std::vector<ScenarioStanding> oracle_standings(const Results& results,
                                               const std::vector<ScenarioComparison>& comparisons,
                                               const OracleBar& bar = {});

// "gpuaware against the others": per scenario and other policy, whether `focus` had at least
// its SLO attainment at no more GPU-hours, or what it lost on. Empty when `focus` did not run.
struct Dominance {
  std::string scenario;
  std::string other;
  bool at_least_as_good = false;
  std::string why;  // "SLO 95.1 % < 97.3 %", "GPU-hours 1.2 > 0.9"
};
std::vector<Dominance> dominance(const Results& results,
                                 const std::vector<ScenarioComparison>& comparisons,
                                 const std::string& focus);

// Both as Markdown sections (for summary.md and the README).
std::string oracle_markdown(const Results& results,
                            const std::vector<ScenarioComparison>& comparisons,
                            const std::string& focus = "gpuaware");

}  // namespace userscale::experiment
