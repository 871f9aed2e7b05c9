#include "controller/prometheus_source.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "controller/dcgm_mapping.h"
#include "controller/observation_fill.h"

namespace userscale::controller {
namespace {

std::string range(Duration seconds) {
  return std::to_string(static_cast<long long>(seconds * 1000.0 + 0.5)) + "ms";
}

using ByPod = std::map<std::string, double>;

ByPod by_pod(const std::vector<metrics::PromSeries>& v) {
  ByPod out;
  for (const auto& s : v) {
    auto it = s.labels.find("pod");
    if (it != s.labels.end() && std::isfinite(s.value)) out[it->second] = s.value;
  }
  return out;
}

std::optional<double> find(const ByPod& m, const std::string& pod) {
  auto it = m.find(pod);
  return it == m.end() ? std::nullopt : std::optional<double>(it->second);
}

using Answers = std::map<std::string, std::vector<metrics::PromSeries>>;

// serve's userscale_gpu_* series: each replica reports the GPU it holds (gpu_uuid label).
void apply_serve_gpus(Observation& obs, Answers& answers) {
  std::map<std::string, GpuInfo> gpus;
  for (const auto& g : answers["gpu_util"]) {
    auto uuid = g.labels.find("gpu_uuid");
    auto pod = g.labels.find("pod");
    if (uuid == g.labels.end()) continue;
    GpuInfo& info = gpus[uuid->second];
    info.uuid = uuid->second;
    if (auto m = g.labels.find("model"); m != g.labels.end()) info.model = m->second;
    info.utilization = 100.0 * g.value;
    info.sample_time = g.timestamp;
    if (pod != g.labels.end()) info.pods.push_back(pod->second);
  }
  for (auto& [key, field] : {std::pair{"gpu_used", &GpuInfo::memory_used_bytes},
                             std::pair{"gpu_total", &GpuInfo::memory_total_bytes}}) {
    for (const auto& g : answers[key]) {
      auto uuid = g.labels.find("gpu_uuid");
      if (uuid != g.labels.end() && gpus.count(uuid->second)) gpus[uuid->second].*field = g.value;
    }
  }
  for (auto& p : obs.pods) {
    for (const auto& [uuid, g] : gpus) {
      if (std::find(g.pods.begin(), g.pods.end(), p.name) == g.pods.end()) continue;
      p.gpu_uuid = uuid;
      p.serving.gpu_utilization = g.utilization;
      p.serving.gpu_memory_used_bytes = g.memory_used_bytes;
    }
  }
  for (auto& [uuid, g] : gpus) obs.gpus.push_back(std::move(g));
}

// The DCGM exporter's series: the pods' GPUs from the exporter's Kubernetes mapping.
void apply_dcgm(Observation& obs, Answers& answers, const std::string& ns) {
  std::vector<std::string> names;
  for (const auto& p : obs.pods) names.push_back(p.name);
  DcgmMapping m = map_dcgm(
      ns, names, DcgmSeries{answers["dcgm_util"], answers["dcgm_used"], answers["dcgm_free"]});
  for (auto& p : obs.pods) {
    auto it = m.pods.find(p.name);
    if (it == m.pods.end()) continue;  // not in DCGM: its GPU signals stay absent
    p.gpu_uuid = it->second.uuid;
    p.serving.gpu_utilization = it->second.utilization;
    p.serving.gpu_memory_used_bytes = it->second.memory_used_bytes;
  }
  obs.gpus = std::move(m.gpus);
}

}  // namespace

std::string PromqlQueries::service_quantile(double q) const {
  return "histogram_quantile(" + std::to_string(q) +
         ", sum by (le) (rate(userscale_request_duration_seconds_bucket" + selector + "[" + window +
         "])))";
}

PromqlQueries promql_queries(const PrometheusSourceOptions& o) {
  PromqlQueries q;
  const std::string job = "{job=\"" + o.job + "\"}";
  q.selector = "{job=\"" + o.job + "\",endpoint!~\"healthz|readyz|metrics|unknown\"}";
  q.window = range(o.window);
  const std::string w = "[" + q.window + "]";
  q.in_flight = "userscale_requests_in_flight" + job;
  q.queued = "userscale_request_queue_length" + job;
  q.sample_time = "timestamp(userscale_requests_in_flight" + job + ")";
  q.rate = "sum by (pod) (rate(userscale_requests_total" + q.selector + w + "))";
  q.latency_mean = "sum by (pod) (rate(userscale_request_duration_seconds_sum" + q.selector + w +
                   ")) / sum by (pod) (rate(userscale_request_duration_seconds_count" + q.selector +
                   w + "))";
  q.latency_p95 =
      "histogram_quantile(0.95, sum by (pod, le) (rate(userscale_request_duration_seconds_bucket" +
      q.selector + w + ")))";
  q.cpu = "rate(process_cpu_seconds_total" + job + w + ")";
  q.gpu_util = "userscale_gpu_utilization_ratio" + job;
  q.gpu_mem_used = "userscale_gpu_memory_used_bytes" + job;
  q.gpu_mem_total = "userscale_gpu_memory_total_bytes" + job;
  return q;
}

Result<Observation> PrometheusSource::observe(const ObserveRequest& req) {
  metrics::PromqlClient client(o_.host, o_.port, req.timeout);
  std::map<std::string, std::vector<metrics::PromSeries>> answers;
  std::vector<std::pair<std::string, std::string>> queries = {{"in_flight", q_.in_flight},
                                                              {"queued", q_.queued},
                                                              {"time", q_.sample_time},
                                                              {"rate", q_.rate},
                                                              {"mean", q_.latency_mean},
                                                              {"p95", q_.latency_p95},
                                                              {"cpu", q_.cpu},
                                                              {"p50", q_.service_quantile(0.5)},
                                                              {"sp95", q_.service_quantile(0.95)},
                                                              {"p99", q_.service_quantile(0.99)}};
  if (o_.gpu_metrics == GpuMetrics::Dcgm) {
    const DcgmQueries d = dcgm_queries(o_.namespace_name);
    queries.insert(queries.end(),
                   {{"dcgm_util", d.util}, {"dcgm_used", d.fb_used}, {"dcgm_free", d.fb_free}});
  } else {
    queries.insert(queries.end(), {{"gpu_util", q_.gpu_util},
                                   {"gpu_used", q_.gpu_mem_used},
                                   {"gpu_total", q_.gpu_mem_total}});
  }
  for (const auto& [key, expr] : queries) {
    auto r = client.query(expr);
    if (!r.ok()) return Error{"prometheus", key + ": " + r.error().to_string()};
    answers[key] = std::move(r).value();
  }
  const ByPod in_flight = by_pod(answers["in_flight"]), queued = by_pod(answers["queued"]),
              at = by_pod(answers["time"]), rate = by_pod(answers["rate"]),
              mean = by_pod(answers["mean"]), p95 = by_pod(answers["p95"]),
              cpu_by_pod = by_pod(answers["cpu"]);

  Observation obs;
  obs.now = req.now;
  std::map<std::string, double> cpu;
  for (const auto& r : req.replicas) {
    PodInfo pod = pod_info(r, o_.cpu_request_cores);
    ServingSignals& s = pod.serving;
    s.in_flight = find(in_flight, r.name);
    s.queued = find(queued, r.name);
    s.sample_time = find(at, r.name);
    s.completion_rate = find(rate, r.name);
    s.arrival_rate = s.completion_rate;
    s.latency_mean_ms = find(mean, r.name);
    if (s.latency_mean_ms) *s.latency_mean_ms *= 1000.0;
    s.latency_p95_ms = find(p95, r.name);
    if (s.latency_p95_ms) *s.latency_p95_ms *= 1000.0;
    if (s.completion_rate) s.window = o_.window;
    if (auto c = find(cpu_by_pod, r.name)) cpu[r.name] = *c;
    obs.pods.push_back(std::move(pod));
  }
  if (o_.gpu_metrics == GpuMetrics::Dcgm) {
    apply_dcgm(obs, answers, o_.namespace_name);
  } else {
    apply_serve_gpus(obs, answers);
  }
  auto scalar = [&](const char* key) -> std::optional<double> {
    const auto& v = answers[key];
    if (v.empty() || !std::isfinite(v.front().value)) return std::nullopt;
    return 1000.0 * v.front().value;
  };
  obs.service.latency_p50_ms = scalar("p50");
  obs.service.latency_p95_ms = scalar("sp95");
  obs.service.latency_p99_ms = scalar("p99");
  obs.service.window = o_.window;
  obs.service.sample_time = req.now;
  publish_pod_metrics(obs, cpu, req.now);
  return obs;
}

}  // namespace userscale::controller
