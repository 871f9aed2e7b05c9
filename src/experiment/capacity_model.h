// How many replicas a scenario's service needs for a given demand: the yardstick for "time to
// reach needed capacity" and for over- and under-provisioned replica-seconds. It is computed
// from the scenario alone (not from any policy's run), so that every policy is measured against
// the same line.
//
// The model is the simulator's steady state under full load: a replica runs at most
// min(GPU streams, concurrency, 1 / occupancy) requests' kernels side by side, each taking its
// mean GPU cost divided by the device speed; replicas that time-slice one GPU share it (less the
// switch overhead), MPS clients share it up to full occupancy, MIG partitions and exclusive GPUs
// are their own; a replica's CPU limit caps it too. Replicas are placed as the scenario's
// placement places them (packed: fill a GPU's slots first; otherwise one per GPU in turn).
// Start-up, memory limits and KV-cache limits are left out: the model answers "how many ready
// replicas would carry this load", not "how long until they are ready".
#pragma once

#include <vector>

#include "config/scenario.h"
#include "config/trace.h"

namespace userscale::experiment {

struct CapacityModel {
  // capacity[n]: requests per second that n ready replicas complete at full load
  // (n = 0..max_replicas; more replicas than slots add nothing).
  std::vector<double> capacity;
  int min_replicas = 1;
  int max_replicas = 1;
  double target_utilization = 0.8;

  // The fewest replicas in [min, max] that carry `demand_rps` at the target utilization; when
  // none does, the fewest that reach the highest capacity (more would not help).
  int needed(double demand_rps) const;
};

// `trace` gives the LLM token counts when the scenario replays a trace.
CapacityModel capacity_model(const config::Scenario& sc, const config::Trace* trace,
                             double target_utilization);

// The demand of a closed-loop load: each user sends again as soon as it gets an answer, after
// its think time, so it cannot ask faster than once per (think + fastest service) seconds.
// Zero for open-loop loads (their demand is the arrival rate).
double closed_loop_demand_rps(const config::Scenario& sc, const config::Trace* trace);

// Mean GPU-seconds of one request alone on a speed-1 GPU (LLM: prefill plus decode steps).
double mean_gpu_cost(const config::Scenario& sc, const config::Trace* trace);

}  // namespace userscale::experiment
