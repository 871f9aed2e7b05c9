// The one human line of a gpuaware decision, from its numbers.
#pragma once

#include <cstdint>
#include <string>

#include "core/policies/gpuaware/capacity_plan.h"

namespace userscale {

struct DecisionNumbers {
  double arrivals = 0;  // requests/s now
  double forecast = 0;  // requests/s expected at the horizon
  Duration horizon = 0;
  double replica_rate = 0;   // mu_s
  std::int64_t servers = 0;  // replicas of mu_s the SLO needs
  double slo_ms = 0;
  double percentile = 0;
  bool slo_reachable = true;
  double need = 0;    // requests/s of capacity to provide
  double usable = 0;  // requests/s provided, on the way included
  int gpus = 0;       // listed GPUs
};

// "(arrivals 35 req/s, forecast 38.2 req/s in 35 s, 9.6 req/s per replica, 4 replicas for
// p99 <= 1000 ms: need 38.4 req/s, usable 19.2 req/s on 2 GPUs)"
std::string decision_context(const DecisionNumbers& n);

// Why no (further) replica is asked for: "no unsaturated GPU: 2 more replicas on gpu-0 would
// add nothing (saturated at 1 replica, 0.28 req/s)". `wanted`: replicas still short.
std::string blocked_text(const AddOutcome& out, std::int64_t wanted, Duration oldest_pending,
                         int stuck_pods);

// "1 replica", "2 replicas".
std::string replicas_text(std::int64_t n);

}  // namespace userscale
