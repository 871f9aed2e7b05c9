// A scenario's load as `userscale load` runs it live: closed-loop users become workers, and every
// open-loop shape (constant, poisson, ramp, burst, spike, diurnal, trace replay) becomes the
// exact arrival times the simulator would draw for the same seed, handed to the load generator
// as a request-level trace, so that the live run and the simulated one see the same requests.
// The time scale compresses a scenario for live runs: its duration and every time of its load
// shape are multiplied by it; rates are kept.
#pragma once

#include <string>
#include <vector>

#include "config/scenario.h"
#include "config/trace.h"
#include "core/result.h"

namespace userscale::experiment {

// The scenario with its duration, sample period and load times multiplied by `time_scale`.
config::Scenario time_scaled(const config::Scenario& sc, double time_scale);

// The server endpoint that plays a workload profile (sort -> sort, convolution -> convolve,
// matmul -> matrix, inference -> infer, stream -> stream, llm -> gpu_job).
std::string endpoint_for_workload(const std::string& workload);

struct LiveLoad {
  std::vector<std::string> args;  // after `userscale load URL`
  std::string trace_csv;          // open loop: write this to `trace_file` before starting
  std::size_t scheduled = 0;      // open loop: requests in the trace
};

// `trace_file` is where the caller will write trace_csv; `trace` is the scenario's replayed
// trace when its load kind is Trace.
Result<LiveLoad> live_load(const config::Scenario& sc, const config::Trace* trace,
                           const std::string& trace_file);

}  // namespace userscale::experiment
