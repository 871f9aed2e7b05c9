#include "controller/serve_signals.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace userscale::controller {

bool is_workload_endpoint(const std::string& e) {
  return e != "healthz" && e != "readyz" && e != "metrics" && e != "unknown";
}

ServeCounters read_serve_counters(const metrics::Exposition& e) {
  ServeCounters c;
  c.in_flight = e.value("userscale_requests_in_flight").value_or(0);
  c.queued = e.value("userscale_request_queue_length").value_or(0);
  c.cpu_seconds = e.value("process_cpu_seconds_total").value_or(0);
  for (const auto* s : e.find("userscale_requests_total")) {
    if (is_workload_endpoint(s->label("endpoint").value_or(""))) c.requests += s->value;
  }
  std::map<double, double> by_le;
  for (const auto* s : e.find("userscale_request_duration_seconds_bucket")) {
    if (!is_workload_endpoint(s->label("endpoint").value_or(""))) continue;
    const std::string le = s->label("le").value_or("+Inf");
    const double bound = le == "+Inf" ? INFINITY : std::stod(le);
    by_le[bound] += s->value;
  }
  for (const auto& [b, v] : by_le) {
    if (std::isfinite(b)) c.bounds.push_back(b);
    c.cumulative.push_back(v);
  }
  for (const auto* s : e.find("userscale_request_duration_seconds_sum")) {
    if (is_workload_endpoint(s->label("endpoint").value_or(""))) c.latency_sum += s->value;
  }
  for (const auto* s : e.find("userscale_request_duration_seconds_count")) {
    if (is_workload_endpoint(s->label("endpoint").value_or(""))) c.latency_count += s->value;
  }
  for (const auto* s : e.find("userscale_gpu_utilization_ratio")) {
    GpuInfo g;
    g.uuid = s->label("gpu_uuid").value_or("");
    g.model = s->label("model").value_or("");
    g.utilization = 100.0 * s->value;
    const metrics::Labels match = {{"gpu_uuid", g.uuid}};
    g.memory_used_bytes = e.value("userscale_gpu_memory_used_bytes", match);
    g.memory_total_bytes = e.value("userscale_gpu_memory_total_bytes", match);
    c.gpus.push_back(std::move(g));
  }
  return c;
}

WindowDelta delta(const ServeCounters& a, Time t0, const ServeCounters& b, Time t1) {
  WindowDelta d;
  d.seconds = t1 - t0;
  // A counter that went down means the process restarted: count from zero.
  auto diff = [](double older, double newer) { return newer >= older ? newer - older : newer; };
  d.requests = diff(a.requests, b.requests);
  d.latency_sum = diff(a.latency_sum, b.latency_sum);
  d.latency_count = diff(a.latency_count, b.latency_count);
  d.cpu_seconds = diff(a.cpu_seconds, b.cpu_seconds);
  d.bounds = b.bounds;
  d.buckets.resize(b.cumulative.size());
  for (std::size_t i = 0; i < b.cumulative.size(); ++i) {
    const double old = (a.cumulative.size() == b.cumulative.size()) ? a.cumulative[i] : 0.0;
    d.buckets[i] = diff(old, b.cumulative[i]);
  }
  return d;
}

void accumulate(WindowDelta& into, const WindowDelta& d) {
  into.seconds = std::max(into.seconds, d.seconds);
  into.requests += d.requests;
  into.latency_sum += d.latency_sum;
  into.latency_count += d.latency_count;
  into.cpu_seconds += d.cpu_seconds;
  if (into.buckets.empty()) {
    into.bounds = d.bounds;
    into.buckets = d.buckets;
  } else if (into.buckets.size() == d.buckets.size()) {
    for (std::size_t i = 0; i < d.buckets.size(); ++i) into.buckets[i] += d.buckets[i];
  }
}

std::optional<double> bucket_quantile(const std::vector<double>& bounds,
                                      const std::vector<double>& cumulative, double q) {
  if (cumulative.empty() || cumulative.back() <= 0) return std::nullopt;
  const double rank = q * cumulative.back();
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    if (cumulative[i] < rank) continue;
    if (i >= bounds.size()) return bounds.empty() ? std::nullopt : std::optional(bounds.back());
    const double lower = i == 0 ? 0.0 : bounds[i - 1];
    const double below = i == 0 ? 0.0 : cumulative[i - 1];
    const double in_bucket = cumulative[i] - below;
    if (in_bucket <= 0) return bounds[i];
    return lower + (bounds[i] - lower) * (rank - below) / in_bucket;
  }
  return bounds.empty() ? std::nullopt : std::optional(bounds.back());
}

ServingSignals serving_signals(const ServeCounters& now, Time t, const WindowDelta* w) {
  ServingSignals s;
  s.in_flight = now.in_flight;
  s.queued = now.queued;
  s.sample_time = t;
  if (w && w->seconds > 0) {
    s.window = w->seconds;
    s.completion_rate = w->requests / w->seconds;
    // Arrivals: what was answered plus the growth of what waits (in flight + queued) is not
    // known from one window's ends alone; answered requests are the closest measure.
    s.arrival_rate = s.completion_rate;
    if (w->latency_count > 0) {
      s.latency_mean_ms = 1000.0 * w->latency_sum / w->latency_count;
      if (auto p95 = bucket_quantile(w->bounds, w->buckets, 0.95)) s.latency_p95_ms = 1000.0 * *p95;
    }
  }
  return s;
}

}  // namespace userscale::controller
