// What the oracle knows: the load to come (RateSchedule) and, measured in this simulator before
// the run, how much load each replica count carries within the SLO. It is the reference that
// bounds every causal policy from below on cost at the SLO (docs/gpuaware.md, "The oracle").
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "config/scenario.h"
#include "config/trace.h"
#include "core/policies/oracle_params.h"
#include "core/result.h"
#include "sim/rate_schedule.h"

namespace userscale::sim {

struct OracleModel {
  int min_replicas = 1;
  int max_replicas = 1;
  double target_attainment = 0.995;
  double lookahead = 0.0;   // seconds of future load each decision covers
  double start_time = 0.0;  // the observation clock at simulated time 0

  // Open loop: carried[n], the highest Poisson arrival rate at which n replicas, placed and
  // shared as the scenario's cluster places them, keep `target_attainment` of requests within
  // the SLO in steady state (0 when none does).
  std::vector<double> carried;
  // GPU share held per second by n replicas (the simulator's gpu_seconds of that steady run):
  // for the fluid lower bound.
  std::vector<double> gpu_share;
  std::optional<RateSchedule> schedule;  // absent for closed loops

  // Closed loop: the scenario's users are the load throughout; attainment[n] was measured with
  // n replicas, and the count is fixed.
  std::vector<double> attainment;
  int closed_loop_replicas = 0;

  bool closed_loop() const { return !schedule.has_value(); }
  // The fewest replicas that carry `rate`; when none does, the fewest that carry the most.
  int needed_for_rate(double rate) const;
  // The count to hold at simulated time t: enough for the peak of [t, t + lookahead].
  int needed_at(double t) const;
  double peak_rate_at(double t) const;
  // The GPU-seconds of the fewest replicas that carry each moment's load, switched instantly and
  // for free: no policy on this cluster can use less and meet the SLO in steady state.
  double fluid_bound_gpu_seconds(double duration) const;
};

// Measures the table by simulating the scenario's service at fixed counts and steady load (a
// bisection on the rate per count; common random numbers). Costs well under a second to a few
// seconds per scenario; the result does not depend on the run's seed.
Result<std::shared_ptr<const OracleModel>> build_oracle_model(const config::Scenario& sc,
                                                              const config::Trace* trace,
                                                              const OracleParams& params);

// The time from asking for a replica to its being Ready, at the slow end of each step's
// distribution, plus a new node's provisioning when nodes autoscale.
double provisioning_delay_upper(const config::Scenario& sc);

}  // namespace userscale::sim
