// What a simulation produces: one decision record per controller tick, one timeline row per
// sample period (both streamed to a sink) and the summary at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/reconcile.h"

namespace userscale::sim {

struct DecisionRecord {
  double t = 0.0;  // simulated seconds since the start (decision.now is the wall-clock form)
  std::string target;
  std::string policy;
  Decision decision;
};

struct TimelineRow {
  double t = 0.0;  // end of the sample period
  std::int32_t desired = 0;
  std::int32_t ready = 0;
  std::int32_t pods = 0;     // holding a GPU slot (starting, ready, crashed, terminating)
  std::int32_t pending = 0;  // waiting for a slot or a node
  std::int32_t nodes = 0;
  std::vector<double> gpu_util;  // per physical GPU (the cluster's largest possible set), percent
  double cpu_cores = 0.0;        // mean over the period, all pods
  std::int32_t in_flight = 0;    // at the end of the period
  std::int32_t queued = 0;
  double latency_p50_ms = 0.0;  // requests completed in the period
  double latency_p95_ms = 0.0;
  double latency_p99_ms = 0.0;
  double arrivals_rps = 0.0;
  double throughput_rps = 0.0;
  double failures_rps = 0.0;
};

struct Summary {
  std::string scenario;
  std::string policy;
  std::uint64_t seed = 0;
  double duration = 0.0;
  std::uint64_t requests = 0;   // arrived
  std::uint64_t completed = 0;  // succeeded
  std::uint64_t failed = 0;     // rejected, timed out, crashed or failed
  std::uint64_t rejected = 0;
  std::uint64_t timed_out = 0;
  std::uint64_t crashed = 0;  // lost to an OOM kill or a termination
  std::uint64_t oom_kills = 0;
  double throughput_rps = 0.0;
  double latency_mean_ms = 0.0;
  double latency_p50_ms = 0.0;
  double latency_p95_ms = 0.0;
  double latency_p99_ms = 0.0;
  double latency_max_ms = 0.0;
  double slo_latency_ms = 0.0;
  // Requests unanswered at the end that were already older than the SLO.
  std::uint64_t unfinished_late = 0;
  // Succeeded within the SLO / (completed + failed + unfinished_late).
  double slo_attainment = 0.0;
  double replica_seconds = 0.0;
  double gpu_seconds = 0.0;       // GPU time held by replicas (their share of a GPU)
  double gpu_busy_seconds = 0.0;  // GPU time with a kernel running (DCGM's utilization)
  double node_seconds = 0.0;
  double cost_usd = 0.0;
  double avg_replicas = 0.0;
  std::int32_t max_replicas = 0;
  std::uint64_t scaling_events = 0;
  std::uint64_t node_consolidations = 0;  // nodes drained and removed by consolidation
  std::uint64_t events_processed = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_decision(const DecisionRecord&) {}
  virtual void on_sample(const TimelineRow&) {}
};

}  // namespace userscale::sim
