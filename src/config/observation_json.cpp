#include "config/observation_json.h"

namespace userscale::config {
namespace {

std::optional<Time> read_time(JsonReader& r, const json& obj, const std::string& path,
                              const std::string& key, bool required) {
  const json* v = r.field(obj, path, key, required);
  if (!v) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  return r.time(obj, path, key, required);
}

void read_optional(JsonReader& r, const json& obj, const std::string& path, const char* key,
                   std::optional<double>& out) {
  if (auto v = r.number(obj, path, key, false)) {
    if (*v < 0) {
      r.fail(join_path(path, key), "must be >= 0");
      return;
    }
    out = *v;
  }
}

ServingSignals read_serving(JsonReader& r, const json& p, const std::string& path) {
  ServingSignals s;
  read_optional(r, p, path, "inFlight", s.in_flight);
  read_optional(r, p, path, "queued", s.queued);
  read_optional(r, p, path, "arrivalRate", s.arrival_rate);
  read_optional(r, p, path, "completionRate", s.completion_rate);
  read_optional(r, p, path, "latencyMeanMs", s.latency_mean_ms);
  read_optional(r, p, path, "latencyP95Ms", s.latency_p95_ms);
  read_optional(r, p, path, "cpuUtilization", s.cpu_utilization);
  read_optional(r, p, path, "gpuUtilization", s.gpu_utilization);
  read_optional(r, p, path, "gpuMemoryUsedBytes", s.gpu_memory_used_bytes);
  read_optional(r, p, path, "concurrentUsers", s.concurrent_users);
  s.sample_time = read_time(r, p, path, "sampleTime", false);
  s.window = r.number(p, path, "window", false).value_or(0.0);
  return s;
}

PodPhase read_phase(JsonReader& r, const json& p, const std::string& path) {
  auto phase = r.string(p, path, "phase", false).value_or("Running");
  if (phase == "Pending") return PodPhase::Pending;
  if (phase == "Running") return PodPhase::Running;
  if (phase == "Succeeded") return PodPhase::Succeeded;
  if (phase == "Failed") return PodPhase::Failed;
  if (phase == "Unknown") return PodPhase::Unknown;
  r.fail(join_path(path, "phase"), "unknown phase \"" + phase + "\"");
  return PodPhase::Unknown;
}

}  // namespace

Observation read_observation(JsonReader& r, const json& obj, const std::string& path) {
  Observation o;
  o.now = read_time(r, obj, path, "now", true).value_or(0);
  if (const json* scale = r.object(obj, path, "scale", true)) {
    const std::string sp = join_path(path, "scale");
    o.scale.spec_replicas =
        static_cast<std::int32_t>(r.integer(*scale, sp, "replicas", true, 0).value_or(0));
    o.scale.status_replicas = static_cast<std::int32_t>(
        r.integer(*scale, sp, "statusReplicas", false, 0).value_or(o.scale.spec_replicas));
    o.scale.selector = r.string(*scale, sp, "selector", false).value_or("app=workload");
  }
  std::vector<PodResourceMetrics> usage;
  if (const json* pods = r.array(obj, path, "pods", false)) {
    for (std::size_t i = 0; i < pods->size() && r.ok(); ++i) {
      const std::string pp = index_path(join_path(path, "pods"), i);
      const json& p = (*pods)[i];
      PodInfo pod;
      pod.name = r.string(p, pp, "name", true).value_or("");
      pod.phase = read_phase(r, p, pp);
      pod.deleting = r.boolean(p, pp, "deleting", false).value_or(false);
      pod.start_time = read_time(r, p, pp, "startTime", false);
      bool ready = r.boolean(p, pp, "ready", false).value_or(pod.phase == PodPhase::Running);
      pod.ready = PodReadyCondition{
          ready ? ConditionStatus::True : ConditionStatus::False,
          read_time(r, p, pp, "readySince", false).value_or(pod.start_time.value_or(0))};
      if (auto req = r.quantity(p, pp, "cpuRequest", false)) {
        pod.containers.push_back({"app", {{"cpu", req->milli}}});
      } else {
        pod.containers.push_back({"app", {}});
      }
      if (auto use = r.quantity(p, pp, "cpuUsage", false)) {
        usage.push_back({pod.name, o.now, 60.0, {{"app", {{"cpu", use->milli}}}}});
      }
      pod.gpu_uuid = r.string(p, pp, "gpuUuid", false);
      pod.serving = read_serving(r, p, pp);
      if (const json* metrics = r.object(p, pp, "metrics", false)) {
        for (const auto& [name, value] : metrics->items()) {
          auto q = r.quantity_value(value, join_path(join_path(pp, "metrics"), name));
          if (q) o.custom_metrics.push_back({"Pod", pod.name, name, q->milli, o.now, std::nullopt});
        }
      }
      o.pods.push_back(std::move(pod));
    }
  }
  if (!usage.empty()) o.pod_metrics = std::move(usage);
  if (const json* ext = r.array(obj, path, "externalMetrics", false)) {
    for (std::size_t i = 0; i < ext->size(); ++i) {
      const std::string ep = index_path(join_path(path, "externalMetrics"), i);
      ExternalMetricValue v;
      v.metric_name = r.string((*ext)[i], ep, "name", true).value_or("");
      if (auto q = r.quantity((*ext)[i], ep, "value", true)) v.value_milli = q->milli;
      v.timestamp = o.now;
      o.external_metrics.push_back(std::move(v));
    }
  }
  if (const json* gpus = r.array(obj, path, "gpus", false)) {
    for (std::size_t i = 0; i < gpus->size(); ++i) {
      const std::string gp = index_path(join_path(path, "gpus"), i);
      const json& g = (*gpus)[i];
      GpuInfo gpu;
      gpu.uuid = r.string(g, gp, "uuid", true).value_or("");
      gpu.model = r.string(g, gp, "model", false).value_or("");
      read_optional(r, g, gp, "utilization", gpu.utilization);
      read_optional(r, g, gp, "memoryUsedBytes", gpu.memory_used_bytes);
      read_optional(r, g, gp, "memoryTotalBytes", gpu.memory_total_bytes);
      gpu.sample_time = read_time(r, g, gp, "sampleTime", false);
      if (const json* pods = r.array(g, gp, "pods", false)) {
        for (const auto& name : *pods) {
          if (name.is_string()) gpu.pods.push_back(name.get<std::string>());
        }
      }
      o.gpus.push_back(std::move(gpu));
    }
  }
  if (const json* svc = r.object(obj, path, "service", false)) {
    const std::string sp = join_path(path, "service");
    read_optional(r, *svc, sp, "arrivalRate", o.service.arrival_rate);
    read_optional(r, *svc, sp, "latencyP50Ms", o.service.latency_p50_ms);
    read_optional(r, *svc, sp, "latencyP95Ms", o.service.latency_p95_ms);
    read_optional(r, *svc, sp, "latencyP99Ms", o.service.latency_p99_ms);
    read_optional(r, *svc, sp, "queued", o.service.queued);
    o.service.sample_time = read_time(r, *svc, sp, "sampleTime", false);
    o.service.window = r.number(*svc, sp, "window", false).value_or(0.0);
  }
  return o;
}

nlohmann::json observation_to_json(const Observation& obs) {
  nlohmann::json j;
  j["now"] = obs.now;
  j["scale"] = {{"replicas", obs.scale.spec_replicas},
                {"statusReplicas", obs.scale.status_replicas},
                {"selector", obs.scale.selector}};
  nlohmann::json pods = nlohmann::json::array();
  for (const auto& p : obs.pods) {
    nlohmann::json pj;
    pj["name"] = p.name;
    static const char* kPhases[] = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};
    pj["phase"] = kPhases[static_cast<int>(p.phase)];
    pj["ready"] = p.is_ready();
    if (p.start_time) pj["startTime"] = *p.start_time;
    if (p.gpu_uuid) pj["gpuUuid"] = *p.gpu_uuid;
    const auto& s = p.serving;
    auto put = [&](const char* key, const std::optional<double>& v) {
      if (v) pj[key] = *v;
    };
    put("inFlight", s.in_flight);
    put("queued", s.queued);
    put("arrivalRate", s.arrival_rate);
    put("completionRate", s.completion_rate);
    put("latencyMeanMs", s.latency_mean_ms);
    put("latencyP95Ms", s.latency_p95_ms);
    put("cpuUtilization", s.cpu_utilization);
    put("gpuUtilization", s.gpu_utilization);
    put("gpuMemoryUsedBytes", s.gpu_memory_used_bytes);
    put("concurrentUsers", s.concurrent_users);
    if (s.sample_time) pj["sampleTime"] = *s.sample_time;
    if (s.window > 0) pj["window"] = s.window;
    pods.push_back(std::move(pj));
  }
  j["pods"] = std::move(pods);
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& g : obs.gpus) {
    nlohmann::json gj{{"uuid", g.uuid}, {"model", g.model}, {"pods", g.pods}};
    if (g.utilization) gj["utilization"] = *g.utilization;
    if (g.memory_used_bytes) gj["memoryUsedBytes"] = *g.memory_used_bytes;
    if (g.memory_total_bytes) gj["memoryTotalBytes"] = *g.memory_total_bytes;
    if (g.sample_time) gj["sampleTime"] = *g.sample_time;
    gpus.push_back(std::move(gj));
  }
  j["gpus"] = std::move(gpus);
  return j;
}

}  // namespace userscale::config
