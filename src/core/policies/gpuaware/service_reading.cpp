#include "core/policies/gpuaware/service_reading.h"

#include <cmath>

#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

bool readable(const std::optional<double>& v) {
  return v && std::isfinite(*v) && *v >= 0;
}

}  // namespace

ArrivalReading read_arrival_rate(const Observation& obs, Duration staleness) {
  ArrivalReading r;
  const ServiceSignals& svc = obs.service;
  if (readable(svc.arrival_rate) && is_fresh(svc.sample_time, obs.now, staleness)) {
    r.value = svc.arrival_rate;
    r.complete = true;
    return r;
  }
  const SignalReading pods =
      read_pod_mean(obs, staleness, [](const ServingSignals& s) { return s.arrival_rate; });
  if (pods.value) r.value = *pods.value * pods.serving;
  r.complete = pods.complete();
  r.doubt = pods.complete() ? "" : "arrival rate: " + pods.doubt();
  return r;
}

double read_backlog(const Observation& obs, Duration staleness) {
  const ServiceSignals& svc = obs.service;
  if (readable(svc.queued) && is_fresh(svc.sample_time, obs.now, staleness)) return *svc.queued;
  double queued = 0;
  for (const PodInfo* pod : serving_pods(obs)) {
    const ServingSignals& s = pod->serving;
    if (readable(s.queued) && is_fresh(s.sample_time, obs.now, staleness)) queued += *s.queued;
  }
  return queued;
}

std::optional<double> read_latency_at(const Observation& obs, double percentile,
                                      Duration staleness) {
  const ServiceSignals& svc = obs.service;
  if (!is_fresh(svc.sample_time, obs.now, staleness)) return std::nullopt;
  const std::optional<double>& v = percentile >= 0.97   ? svc.latency_p99_ms
                                   : percentile >= 0.75 ? svc.latency_p95_ms
                                                        : svc.latency_p50_ms;
  if (!readable(v)) return std::nullopt;
  return v;
}

}  // namespace userscale
