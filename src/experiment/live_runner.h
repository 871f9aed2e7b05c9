// The experiment runner on the live local world (issue 9): a planned run becomes, in turn,
// `userscale serve` replicas behind HAProxy with a Prometheus (or a direct scrape), the
// controller with the run's policy on the wall clock, and `userscale load` through HAProxy
// with the scenario's load (live_load.h). A sampler records the timeline (replicas, in flight,
// server-side latency) every sample period; the load generator's own summary gives the
// requests and their latencies. The outcome has the simulator's shape (sim::Summary, RunTrace,
// the analysis), so results_io and the report treat both worlds alike.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "experiment/runner.h"
#include "experiment/suite.h"

namespace userscale::experiment {

struct LiveOptions {
  std::filesystem::path work_dir;  // each run's files: work_dir/<scenario>/<policy>/seed-<n>
  std::filesystem::path userscale_binary;  // empty: this process's binary
  double time_scale = 1.0;                 // live_load.h
  std::string source = "prometheus";       // or "scrape"
  std::vector<std::string> serve_args;     // added to every replica's `userscale serve`
  std::vector<std::string> load_args;      // added to `userscale load`
  std::function<void(const std::string&)> log;
  const std::atomic<bool>* stop = nullptr;  // ends the run in progress early (its load is cut)
};

// Marks as skipped the policies the live world cannot build (the oracle reads the simulator's
// future) and drops their runs.
void restrict_to_live(const Suite& suite, Plan& plan);

// One live run, on the calling thread. Takes about the scenario's (scaled) duration plus the
// replicas' start and drain.
RunOutcome run_one_live(const Suite& suite, const Plan& plan, const RunSpec& spec,
                        const LiveOptions& options);

// The folder of one run's files under work_dir.
std::filesystem::path live_run_dir(const std::filesystem::path& work_dir,
                                   const std::string& scenario, const std::string& policy,
                                   std::uint64_t seed);

}  // namespace userscale::experiment
