#include "server/server_state.h"

#include "server/process_stats.h"

namespace userscale::server {

void Log::line(const std::string& s) {
  std::lock_guard lock(mu_);
  os_ << "userscale serve: " << s << std::endl;
}

ServerState::ServerState(const ServeOptions& o, Workloads w, Log& l)
    : options(o),
      admission(o.max_inflight, o.queue),
      workers(static_cast<std::size_t>(o.max_inflight)),
      workloads(std::move(w)),
      log(l) {}

std::string ServerState::render_metrics() {
  ServerMetrics::Gauges g;
  g.in_flight = admission.running();
  g.queued = admission.waiting();
  g.max_inflight = admission.max_inflight();
  g.queue_capacity = admission.queue_capacity();
  g.connections_open = static_cast<int>(connections.size());
  g.max_connections = options.max_connections;
  g.ready = ready.load();
  g.draining = draining.load();
  g.device = std::string(device_name(workloads.device()));
  g.cuda_built = cuda_built();
  g.process_cpu_seconds = process_cpu_seconds();
  g.resident_memory_bytes = process_resident_bytes();
  g.start_time_seconds = start_time_seconds;
  if (nvml) {
    std::lock_guard lock(nvml_mu);
    auto s = nvml->sample();
    g.nvml_available = s.ok();
    if (s.ok()) {
      g.gpus = std::move(s).value();
      if (!nvml_last_error.empty()) log.line("NVML answers again: GPU metrics exported");
      nvml_last_error.clear();
    } else {
      // Logged when it starts (or changes), not on every scrape.
      ++nvml_errors;
      if (s.error().message != nvml_last_error) {
        log.line("NVML sample failed (" + s.error().message +
                 "): no GPU metrics until it answers; serving continues");
      }
      nvml_last_error = s.error().message;
    }
    g.nvml_errors = nvml_errors;
  }
  return metrics.render(g);
}

}  // namespace userscale::server
