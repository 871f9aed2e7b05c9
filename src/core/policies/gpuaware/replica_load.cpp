#include "core/policies/gpuaware/replica_load.h"

#include <algorithm>
#include <cmath>

namespace userscale {
namespace {

bool malformed(const std::optional<double>& v) {
  return v && !(std::isfinite(*v) && *v >= 0.0);
}

}  // namespace

std::optional<ReplicaLoad> read_replica_load(const ServingSignals& s, double busy_utilization) {
  if (!s.completion_rate || malformed(s.completion_rate) || malformed(s.latency_mean_ms) ||
      malformed(s.in_flight) || malformed(s.queued)) {
    return std::nullopt;
  }
  ReplicaLoad r;
  r.throughput = *s.completion_rate;
  if (s.latency_mean_ms && *s.latency_mean_ms > 0) r.latency_s = *s.latency_mean_ms / 1000.0;
  r.queued = s.queued.value_or(0.0);
  const double present = s.in_flight.value_or(0.0) + r.queued;
  const double little = r.latency_s ? r.throughput * *r.latency_s : 0.0;
  r.occupancy = std::max(little, present);
  r.idle = r.throughput == 0.0 && present == 0.0;
  if (r.idle) return r;
  r.utilization = r.occupancy / (1.0 + r.occupancy);
  // Nothing completed with requests inside: busy, capacity unknown (requests longer than
  // the window). Completions with nothing known to be inside: capacity unknown.
  if (r.throughput > 0.0 && r.occupancy > 0.0) {
    r.capacity = r.throughput * (1.0 + r.occupancy) / r.occupancy;
  }
  r.congested = r.queued > 0.0 || r.utilization >= busy_utilization;
  return r;
}

}  // namespace userscale
