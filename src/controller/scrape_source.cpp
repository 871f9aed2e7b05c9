#include "controller/scrape_source.h"

#include <set>

#include "controller/observation_fill.h"
#include "metrics/http_client.h"

namespace userscale::controller {

Result<Observation> ScrapeSource::observe(const ObserveRequest& req) {
  Observation obs;
  obs.now = req.now;
  std::map<std::string, double> cpu;
  std::map<std::string, GpuInfo> gpus;
  WindowDelta service;
  bool any_service = false;
  int tried = 0, failed = 0;
  std::string last_error;
  std::set<std::string> seen;
  for (const auto& r : req.replicas) {
    PodInfo pod = pod_info(r, o_.cpu_request_cores);
    seen.insert(r.name);
    const auto colon = r.address.rfind(':');
    if (r.address.empty() || colon == std::string::npos || r.phase == ReplicaPhase::Pending) {
      obs.pods.push_back(std::move(pod));
      continue;
    }
    ++tried;
    metrics::HttpClient client(r.address.substr(0, colon), r.address.substr(colon + 1),
                               req.timeout);
    auto res = client.get("/metrics");
    Result<metrics::Exposition> parsed =
        !res.ok() ? Result<metrics::Exposition>(res.error())
        : res->status != 200
            ? Result<metrics::Exposition>(Error{"scrape", "HTTP " + std::to_string(res->status)})
            : metrics::parse_prometheus_text(res->body);
    if (!parsed.ok()) {
      ++failed;
      last_error = r.name + ": " + parsed.error().to_string();
      obs.pods.push_back(std::move(pod));
      continue;
    }
    const ServeCounters now = read_serve_counters(*parsed);
    auto& h = history_[r.name];
    h.emplace_back(req.now, now);
    // Keep the newest scrape that is at least `window` old, and everything after it.
    while (h.size() > 2 && req.now - h[1].first >= o_.window) h.pop_front();
    std::optional<WindowDelta> w;
    if (h.size() >= 2) w = delta(h.front().second, h.front().first, now, req.now);
    pod.serving = serving_signals(now, req.now, w ? &*w : nullptr);
    if (w && w->seconds > 0) {
      cpu[r.name] = w->cpu_seconds / w->seconds;
      accumulate(service, *w);
      any_service = true;
    }
    for (const auto& g : now.gpus) {
      GpuInfo& info = gpus[g.uuid];
      if (info.uuid.empty()) info = g;
      info.sample_time = req.now;
      info.pods.push_back(r.name);
      pod.gpu_uuid = g.uuid;
      pod.serving.gpu_utilization = g.utilization;
      pod.serving.gpu_memory_used_bytes = g.memory_used_bytes;
    }
    obs.pods.push_back(std::move(pod));
  }
  // Replicas that are gone leave the history.
  for (auto it = history_.begin(); it != history_.end();) {
    it = seen.count(it->first) ? std::next(it) : history_.erase(it);
  }
  if (tried > 0 && failed == tried) return Error{"scrape", "no replica answered: " + last_error};
  for (auto& [uuid, g] : gpus) obs.gpus.push_back(std::move(g));
  if (any_service && service.seconds > 0) {
    obs.service.window = service.seconds;
    obs.service.sample_time = req.now;
    obs.service.arrival_rate = service.requests / service.seconds;
    auto q = [&](double p) -> std::optional<double> {
      auto v = bucket_quantile(service.bounds, service.buckets, p);
      return v ? std::optional<double>(1000.0 * *v) : std::nullopt;
    };
    obs.service.latency_p50_ms = q(0.5);
    obs.service.latency_p95_ms = q(0.95);
    obs.service.latency_p99_ms = q(0.99);
  }
  publish_pod_metrics(obs, cpu, req.now);
  return obs;
}

}  // namespace userscale::controller
