#include "server/server_metrics.h"

#include <algorithm>

#include "metrics/prometheus_writer.h"

namespace userscale::server {

using metrics::Labels;
using metrics::MetricType;

const std::vector<double>& latency_bucket_bounds() {
  static const std::vector<double> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1.0,   2.5,  5.0,   10.0, 30.0};
  return kBounds;
}

ServerMetrics::ServerMetrics() {
  for (auto& e : endpoints_) e.buckets.assign(latency_bucket_bounds().size() + 1, 0);
}

void ServerMetrics::record(Endpoint e, int status, double seconds) {
  const auto& bounds = latency_bucket_bounds();
  const std::size_t bucket = static_cast<std::size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  std::lock_guard lock(mu_);
  PerEndpoint& p = endpoints_[static_cast<std::size_t>(e)];
  ++p.buckets[bucket];
  ++p.count;
  p.sum += seconds;
  ++p.by_code[status];
}

std::string ServerMetrics::render(const Gauges& g) const {
  metrics::PrometheusWriter w;
  w.family("userscale_requests_in_flight", "Requests being executed now.", MetricType::Gauge);
  w.sample("userscale_requests_in_flight", {}, g.in_flight);
  w.family("userscale_request_queue_length", "Requests waiting for an execution slot.",
           MetricType::Gauge);
  w.sample("userscale_request_queue_length", {}, g.queued);
  w.family("userscale_max_inflight", "Configured limit of requests executed at once.",
           MetricType::Gauge);
  w.sample("userscale_max_inflight", {}, g.max_inflight);
  w.family("userscale_queue_capacity", "Configured limit of waiting requests.", MetricType::Gauge);
  w.sample("userscale_queue_capacity", {}, g.queue_capacity);
  w.family("userscale_connections_open", "Client connections open now.", MetricType::Gauge);
  w.sample("userscale_connections_open", {}, g.connections_open);
  w.family("userscale_max_connections",
           "Configured limit of open connections; at it, new ones wait to be accepted.",
           MetricType::Gauge);
  w.sample("userscale_max_connections", {}, g.max_connections);
  w.family("userscale_ready", "1 when the server is ready for traffic.", MetricType::Gauge);
  w.sample("userscale_ready", {}, g.ready ? 1 : 0);
  w.family("userscale_draining", "1 after SIGTERM, while in-flight requests finish.",
           MetricType::Gauge);
  w.sample("userscale_draining", {}, g.draining ? 1 : 0);
  w.family("userscale_device_info", "The device that runs the workloads (cpu or cuda).",
           MetricType::Gauge);
  w.sample("userscale_device_info",
           {{"device", g.device}, {"cuda_built", g.cuda_built ? "true" : "false"}}, 1);

  {
    std::lock_guard lock(mu_);
    w.family("userscale_requests_total", "Requests answered, by endpoint and status code.",
             MetricType::Counter);
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
      const std::string name(endpoint_name(static_cast<Endpoint>(i)));
      for (const auto& [code, n] : endpoints_[i].by_code) {
        w.sample("userscale_requests_total", {{"endpoint", name}, {"code", std::to_string(code)}},
                 static_cast<double>(n));
      }
    }
    w.family("userscale_request_duration_seconds",
             "Seconds from a request's arrival (queueing included) to its last byte sent.",
             MetricType::Histogram);
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
      const PerEndpoint& p = endpoints_[i];
      if (p.count == 0 && !is_workload(static_cast<Endpoint>(i))) continue;
      std::vector<std::uint64_t> cumulative(p.buckets.size());
      std::uint64_t running = 0;
      for (std::size_t b = 0; b < p.buckets.size(); ++b) cumulative[b] = running += p.buckets[b];
      w.histogram("userscale_request_duration_seconds",
                  {{"endpoint", std::string(endpoint_name(static_cast<Endpoint>(i)))}},
                  latency_bucket_bounds(), cumulative, p.sum);
    }
  }

  w.family("process_cpu_seconds_total", "User and system CPU time spent in seconds.",
           MetricType::Counter);
  w.sample("process_cpu_seconds_total", {}, g.process_cpu_seconds);
  w.family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge);
  w.sample("process_resident_memory_bytes", {}, g.resident_memory_bytes);
  w.family("process_start_time_seconds", "Start time of the process since the Unix epoch.",
           MetricType::Gauge);
  w.sample("process_start_time_seconds", {}, g.start_time_seconds);

  w.family("userscale_nvml_available", "1 when NVML could be loaded and GPUs can be sampled.",
           MetricType::Gauge);
  w.sample("userscale_nvml_available", {}, g.nvml_available ? 1 : 0);
  w.family("userscale_nvml_errors_total",
           "NVML samples that failed (GPU lost, driver error); GPU gauges are left out then.",
           MetricType::Counter);
  w.sample("userscale_nvml_errors_total", {}, static_cast<double>(g.nvml_errors));
  if (!g.gpus.empty()) {
    auto labels = [](const metrics::GpuSample& s) {
      return Labels{{"gpu", std::to_string(s.index)}, {"gpu_uuid", s.uuid}, {"model", s.name}};
    };
    w.family("userscale_gpu_utilization_ratio", "GPU busy fraction over NVML's sample period.",
             MetricType::Gauge);
    for (const auto& s : g.gpus)
      w.sample("userscale_gpu_utilization_ratio", labels(s), s.utilization_ratio);
    w.family("userscale_gpu_memory_used_bytes", "GPU memory in use.", MetricType::Gauge);
    for (const auto& s : g.gpus) {
      w.sample("userscale_gpu_memory_used_bytes", labels(s),
               static_cast<double>(s.memory_used_bytes));
    }
    w.family("userscale_gpu_memory_total_bytes", "GPU memory in total.", MetricType::Gauge);
    for (const auto& s : g.gpus) {
      w.sample("userscale_gpu_memory_total_bytes", labels(s),
               static_cast<double>(s.memory_total_bytes));
    }
  }
  return w.text();
}

}  // namespace userscale::server
