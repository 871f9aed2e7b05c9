// What one serving replica's signals say about its load and its capacity.
//
// Occupancy N: the requests in the replica, the larger of Little's law's mean (throughput X
// times mean latency T) and the mean in-flight plus queued count over its recent scrapes
// (occupancy_tracker.h), or the last scrape's count when no mean is given or when the mean
// makes it improbable (below 1 % for a single-server queue: the load changed faster than the
// mean follows).
// Capacity: inverting a single-server queue (M/M/1, FCFS or processor sharing), whose mean
// occupancy is N = rho / (1 - rho): rho = N / (1 + N) and mu = X / rho = X (1 + N) / N. With
// N = X T this is mu = X + 1 / T. It is exact for one server at any load and for any
// saturated replica (N large: mu -> X); a replica that serves k requests side by side
// without slowing down reads as fewer than k servers while lightly loaded, and converges as
// its load grows (docs/gpuaware.md).
// Congested: requests wait in the replica's queue, or rho >= busy_utilization.
// GPU utilization plays no part: one kernel in a sample window reads near 100 %.
#pragma once

#include <optional>

#include "core/observation.h"

namespace userscale {

struct ReplicaLoad {
  double throughput = 0;            // completions/s over the window
  std::optional<double> latency_s;  // mean latency over the window
  double occupancy = 0;             // N
  double queued = 0;
  double utilization = 0;          // N / (1 + N)
  std::optional<double> capacity;  // requests/s; absent when idle or not measurable
  bool congested = false;
  bool idle = false;  // nothing completed, nothing in flight or queued
};

// Whether `present` requests inside at one instant are improbable (under 1 %) for a replica
// whose mean is `mean`: the occupancy of a single-server queue seen at a random instant is
// geometric, P(N >= k) = rho^k with rho = N / (1 + N). 20 inside where the mean says 3 (a queue
// built since the mean was taken) has a chance of 0.003; 3 inside where it says 0.35, 0.017:
// noise.
bool improbable_occupancy(double present, double mean);

// In flight plus queued at the last scrape; nullopt when a count is malformed (negative, not
// finite) or neither is reported.
std::optional<double> requests_inside(const ServingSignals& signals);

// Little's law over the metrics window: completions/s x mean latency; nullopt without both or
// with a malformed one.
std::optional<double> little_occupancy(const ServingSignals& signals);

// nullopt when the signals cannot be read: no completion rate, or a malformed value.
std::optional<ReplicaLoad> read_replica_load(const ServingSignals& signals, double busy_utilization,
                                             std::optional<double> mean_inside = std::nullopt);

}  // namespace userscale
