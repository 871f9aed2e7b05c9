// What one serving replica's signals say about its load and its capacity.
//
// Occupancy N: the requests in the replica, the larger of Little's law's mean (throughput X
// times mean latency T) and the in-flight plus queued count of the last scrape.
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

// nullopt when the signals cannot be read: no completion rate, or a malformed value.
std::optional<ReplicaLoad> read_replica_load(const ServingSignals& signals,
                                             double busy_utilization);

}  // namespace userscale
