// Observations for the gpuaware tests: replicas with chosen load on chosen GPUs, in one line.
#pragma once

#include <string>
#include <vector>

#include "core/observation.h"

namespace userscale::gpuaware_testing {

constexpr double GiB = 1024.0 * 1024.0 * 1024.0;

// A replica's signals: `throughput` completions/s at `latency_ms` mean latency with
// `in_flight` requests inside, and as many arriving as completing.
inline ServingSignals load(double throughput, double latency_ms, double in_flight,
                           double queued = 0) {
  ServingSignals s;
  s.completion_rate = throughput;
  s.arrival_rate = throughput;
  s.latency_mean_ms = latency_ms;
  s.in_flight = in_flight;
  s.queued = queued;
  s.window = 15;
  return s;
}

// An M/M/1 replica of capacity `mu` serving `lambda`: T = 1 / (mu - lambda), N = lambda T.
inline ServingSignals mm1(double mu, double lambda) {
  const double t = 1.0 / (mu - lambda);
  return load(lambda, 1000.0 * t, lambda * t);
}

// A Running, Ready replica on `gpu` ("" for none), Ready for 10 minutes, signals sampled now.
inline PodInfo serving(const std::string& name, Time now, const std::string& gpu,
                       ServingSignals signals) {
  PodInfo pod;
  pod.name = name;
  pod.phase = PodPhase::Running;
  pod.ready = PodReadyCondition{ConditionStatus::True, now - 600};
  pod.start_time = now - 700;
  if (!gpu.empty()) pod.gpu_uuid = gpu;
  if (!signals.sample_time) signals.sample_time = now;
  pod.serving = signals;
  return pod;
}

// Bound to `gpu` and starting (model loading), not Ready.
inline PodInfo starting(const std::string& name, Time now, const std::string& gpu) {
  PodInfo pod;
  pod.name = name;
  pod.phase = PodPhase::Running;
  pod.ready = PodReadyCondition{ConditionStatus::False, now};
  pod.start_time = now;
  if (!gpu.empty()) pod.gpu_uuid = gpu;
  return pod;
}

// Not yet on a node.
inline PodInfo unscheduled(const std::string& name) {
  PodInfo pod;
  pod.name = name;
  pod.phase = PodPhase::Pending;
  return pod;
}

inline GpuInfo gpu(const std::string& uuid, std::vector<std::string> pods, Time now,
                   double total = 16 * GiB, std::optional<double> used = std::nullopt) {
  GpuInfo g;
  g.uuid = uuid;
  g.model = "T4";
  g.utilization = pods.empty() ? 0 : 100;  // reads ~100 % with any load: not a signal
  g.memory_total_bytes = total;
  g.memory_used_bytes = used;
  g.pods = std::move(pods);
  g.sample_time = now;
  return g;
}

// The scale at `replicas`, the given pods and GPUs, and the service's arrival rate.
inline Observation observation(Time now, std::int32_t replicas, std::vector<PodInfo> pods,
                               std::vector<GpuInfo> gpus, std::optional<double> arrivals) {
  Observation obs;
  obs.now = now;
  obs.scale.spec_replicas = replicas;
  obs.scale.status_replicas = replicas;
  obs.scale.selector = "app=gpu";
  obs.pods = std::move(pods);
  obs.gpus = std::move(gpus);
  obs.service.arrival_rate = arrivals;
  obs.service.queued = 0;
  obs.service.sample_time = now;
  obs.service.window = 15;
  return obs;
}

}  // namespace userscale::gpuaware_testing
