#include "core/policies/gpuaware/replica_load.h"

#include <algorithm>
#include <cmath>

namespace userscale {
namespace {

// Below this chance a snapshot is not noise around the mean.
constexpr double kImprobable = 0.01;

bool malformed(const std::optional<double>& v) {
  return v && !(std::isfinite(*v) && *v >= 0.0);
}

}  // namespace

std::optional<double> requests_inside(const ServingSignals& s) {
  if (malformed(s.in_flight) || malformed(s.queued) || (!s.in_flight && !s.queued)) {
    return std::nullopt;
  }
  return s.in_flight.value_or(0.0) + s.queued.value_or(0.0);
}

std::optional<double> little_occupancy(const ServingSignals& s) {
  if (!s.completion_rate || !s.latency_mean_ms || malformed(s.completion_rate) ||
      malformed(s.latency_mean_ms)) {
    return std::nullopt;
  }
  return *s.completion_rate * *s.latency_mean_ms / 1000.0;
}

bool improbable_occupancy(double present, double mean) {
  if (present <= mean) return false;
  return std::pow(mean / (1.0 + mean), present) < kImprobable;
}

std::optional<ReplicaLoad> read_replica_load(const ServingSignals& s, double busy_utilization,
                                             std::optional<double> mean_inside) {
  if (!s.completion_rate || malformed(s.completion_rate) || malformed(s.latency_mean_ms) ||
      malformed(s.in_flight) || malformed(s.queued)) {
    return std::nullopt;
  }
  ReplicaLoad r;
  r.throughput = *s.completion_rate;
  if (s.latency_mean_ms && *s.latency_mean_ms > 0) r.latency_s = *s.latency_mean_ms / 1000.0;
  r.queued = s.queued.value_or(0.0);
  const double present = requests_inside(s).value_or(0.0);
  const double little = little_occupancy(s).value_or(0.0);
  double inside = present;
  if (mean_inside) {
    const double mean = std::max(little, *mean_inside);
    inside = improbable_occupancy(present, mean) ? present : mean;
  }
  r.occupancy = std::max(little, inside);
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
