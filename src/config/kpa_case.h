// Decision cases of kind `kpa` (reference/kpa-cases.md): one KPA decider driven through a
// sequence of decisions, each answered with scaleValid, desiredPodCount, excessBurstCapacity
// and inPanic.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/policies/kpa/collector.h"
#include "core/policies/kpa/knobs.h"
#include "core/result.h"

namespace userscale::config {

struct KpaSample {
  Time time = 0;
  kpa::RevisionStat stat;
};

struct KpaStep {
  Time time = 0;
  std::optional<std::int32_t> ready_pods;  // nullopt: the count failed
  // Input form `observed`: the pair of the configured metric (nullopt: no metrics).
  std::optional<kpa::StableAndPanic> observed;
  // Input form `samples`: raw per-second stats recorded before deciding.
  std::vector<KpaSample> samples;
  // The knobs after this step's configUpdate, when it has one.
  std::optional<kpa::KpaKnobs> updated_knobs;
};

struct KpaCase {
  std::string name;
  std::string source;
  kpa::KpaKnobs knobs;
  Time created_at = 0;
  std::optional<std::int32_t> initial_ready_pods = 0;
  bool uses_samples = false;
  std::vector<KpaStep> steps;
};

// Parses and validates a case; an error names the JSON path of the bad field
// (`config.stable-window: must be a whole number of seconds in 6..3600, got 5`).
Result<KpaCase> parse_kpa_case(const nlohmann::json& doc);

// Runs the steps on one decider: {"policy":"kpa","steps":[{...}, ...]}. `explanation`, when
// not null, receives a human account of every step.
nlohmann::json run_kpa_case(const KpaCase& c, std::string* explanation);

// parse_kpa_case, then run_kpa_case: the `kpa` entry of `userscale decide`.
Result<nlohmann::json> evaluate_kpa_case(const nlohmann::json& doc, std::string* explanation);

}  // namespace userscale::config
