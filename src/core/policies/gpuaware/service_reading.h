// The service-level signals gpuaware reads: the arrival rate, the queued backlog and the
// observed latency at the SLO's percentile.
//
// Arrival rate: the service's own (the load balancer's view) when fresh; else the sum of the
// serving pods' arrival rates, the reporting pods' mean standing in for pods that did not
// report (then incomplete: enough to add capacity, not to remove it).
// Backlog: the service's queued count when fresh, else the serving pods' queued requests.
// Latency: the service's p99, p95 or p50, whichever is nearest the SLO percentile, when fresh.
#pragma once

#include <optional>
#include <string>

#include "core/observation.h"

namespace userscale {

struct ArrivalReading {
  std::optional<double> value;  // requests/s
  bool complete = false;
  std::string doubt;  // why not complete ("2 of 3 pods stale"); "" when complete
};

ArrivalReading read_arrival_rate(const Observation& obs, Duration staleness);
double read_backlog(const Observation& obs, Duration staleness);
std::optional<double> read_latency_at(const Observation& obs, double percentile,
                                      Duration staleness);

}  // namespace userscale
