// Runs a suite: every scenario x policy x seed, on a pool of worker threads. Each run is
// independent and seeded, and results are kept in plan order, so the outcome is the same
// whatever the number of threads. A stop flag (Ctrl-C) ends the runs not yet started; the
// finished ones are kept.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/autoscaler_spec.h"
#include "core/result.h"
#include "experiment/capacity_model.h"
#include "experiment/run_metrics.h"
#include "experiment/suite.h"
#include "sim/results.h"
#include "sim/simulator.h"

namespace userscale::experiment {

struct RunSpec {
  std::size_t scenario = 0;  // index into Suite::scenarios
  std::size_t policy = 0;    // index into Suite::policies
  std::uint64_t seed = 0;
};

struct SkippedPolicy {
  std::string label;
  std::string reason;
};

// What to run, checked before anything runs.
struct Plan {
  std::vector<RunSpec> runs;           // scenario-major, then policy, then seed: the output order
  std::vector<bool> policy_available;  // per Suite::policies
  std::vector<SkippedPolicy> skipped;  // the policies this world cannot build
  std::vector<std::vector<AutoscalerSpec>> specs;          // [scenario][policy]
  std::vector<std::vector<sim::PolicyFactory>> factories;  // [scenario][policy]; empty: skipped
  std::vector<CapacityModel> capacity;                     // per scenario
};

// Errors for a policy that cannot run on a scenario (a parameter or metric it rejects). A
// policy this world cannot build is skipped, not an error. Builds the oracle's tables (seconds
// each) on `jobs` threads.
Result<Plan> make_plan(const Suite& suite, int jobs = 1);

struct RunOutcome {
  RunSpec spec;
  bool finished = false;       // false: not run (stopped before it started)
  std::optional<Error> error;  // the simulator refused the run
  sim::Summary summary;
  RunTrace trace;
  NamedValues analysis;
  double wall_seconds = 0.0;  // for progress only; never written to results
};

struct RunnerOptions {
  int jobs = 1;
  const std::atomic<bool>* stop = nullptr;
  // Called after each run, one call at a time, with the number finished so far.
  std::function<void(const RunOutcome&, std::size_t done, std::size_t total)> on_finished;
};

// One outcome per planned run, in plan order.
std::vector<RunOutcome> run_plan(const Suite& suite, const Plan& plan, const RunnerOptions& opts);

// One run, on the calling thread.
RunOutcome run_one(const Suite& suite, const Plan& plan, const RunSpec& spec);

}  // namespace userscale::experiment
