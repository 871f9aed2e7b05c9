// What `userscale serve` exposes on /metrics (src/server/server_metrics.cpp), read into
// counters, and the serving signals between two reads: request rate, mean and p95 latency over
// the window, in flight and queued now, CPU cores used. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "metrics/prometheus_parser.h"

namespace userscale::controller {

struct ServeCounters {
  double requests = 0;  // workload requests answered (any code)
  double latency_sum = 0;
  double latency_count = 0;
  std::vector<double> bounds;      // histogram upper bounds (seconds), +Inf excluded
  std::vector<double> cumulative;  // one per bound, then +Inf
  double cpu_seconds = 0;
  double in_flight = 0;
  double queued = 0;
  std::vector<GpuInfo> gpus;  // from the userscale_gpu_* families, when NVML is there
};

// Only workload endpoints count (health, readiness and scrapes are not load).
bool is_workload_endpoint(const std::string& endpoint);
ServeCounters read_serve_counters(const metrics::Exposition& e);

struct WindowDelta {
  double seconds = 0;
  double requests = 0;
  double latency_sum = 0;
  double latency_count = 0;
  std::vector<double> bounds;
  std::vector<double> buckets;  // cumulative deltas, one per bound then +Inf
  double cpu_seconds = 0;
};
WindowDelta delta(const ServeCounters& older, Time t0, const ServeCounters& newer, Time t1);
// Adds another replica's window (same bounds) for service-wide numbers.
void accumulate(WindowDelta& into, const WindowDelta& d);

// The q-quantile (seconds) of a cumulative bucket delta, linear inside the bucket, as
// Prometheus's histogram_quantile; nullopt without requests.
std::optional<double> bucket_quantile(const std::vector<double>& bounds,
                                      const std::vector<double>& cumulative, double q);

// Fills a pod's serving signals from its latest counters and its window.
ServingSignals serving_signals(const ServeCounters& now, Time t, const WindowDelta* window);

}  // namespace userscale::controller
