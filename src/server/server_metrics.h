// The server's own counters and latency histograms, and the /metrics page built from them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/nvml.h"
#include "server/endpoint.h"

namespace userscale::server {

// Upper bounds in seconds of the latency histogram's buckets.
const std::vector<double>& latency_bucket_bounds();

class ServerMetrics {
 public:
  ServerMetrics();
  // One finished request: its endpoint, status code and seconds from read to last byte written.
  void record(Endpoint e, int status, double seconds);

  struct Gauges {
    int in_flight = 0;
    int queued = 0;
    int max_inflight = 0;
    int queue_capacity = 0;
    int connections_open = 0;
    int max_connections = 0;
    bool ready = false;
    bool draining = false;
    std::string device;  // "cpu" or "cuda"
    bool cuda_built = false;
    double process_cpu_seconds = 0.0;
    double resident_memory_bytes = 0.0;
    double start_time_seconds = 0.0;
    bool nvml_available = false;
    std::uint64_t nvml_errors = 0;  // samples that failed since start (a lost GPU)
    std::vector<metrics::GpuSample> gpus;
  };
  std::string render(const Gauges& g) const;

 private:
  struct PerEndpoint {
    std::vector<std::uint64_t> buckets;  // non-cumulative, one per bound plus +Inf
    std::uint64_t count = 0;
    double sum = 0.0;
    std::map<int, std::uint64_t> by_code;
  };
  mutable std::mutex mu_;
  std::array<PerEndpoint, kEndpointCount> endpoints_;
};

}  // namespace userscale::server
