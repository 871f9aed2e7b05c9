#include "core/policies/policy_signals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace userscale {
namespace {

bool well_formed(const std::optional<double>& v) {
  return v && std::isfinite(*v) && *v >= 0.0;
}

const GpuInfo* gpu_of(const Observation& obs, const PodInfo& pod) {
  for (const auto& gpu : obs.gpus) {
    if (pod.gpu_uuid && gpu.uuid == *pod.gpu_uuid) return &gpu;
    if (std::find(gpu.pods.begin(), gpu.pods.end(), pod.name) != gpu.pods.end()) return &gpu;
  }
  return nullptr;
}

std::string count_of(int n, int total, const char* what) {
  return std::to_string(n) + " of " + std::to_string(total) + " pods " + what;
}

}  // namespace

bool is_serving(const PodInfo& pod) {
  return pod.phase == PodPhase::Running && pod.is_ready() && !pod.deleting;
}

std::vector<const PodInfo*> serving_pods(const Observation& obs) {
  std::vector<const PodInfo*> out;
  for (const auto& pod : obs.pods) {
    if (is_serving(pod)) out.push_back(&pod);
  }
  return out;
}

bool is_fresh(const std::optional<Time>& sample_time, Time now, Duration staleness) {
  return !sample_time || *sample_time >= now - staleness;
}

std::string SignalReading::doubt() const {
  if (serving == 0) return "no serving pods";
  if (complete()) return "";
  std::string out;
  if (missing > 0) out = count_of(missing, serving, "missing");
  if (stale > 0) out += (out.empty() ? "" : ", ") + count_of(stale, serving, "stale");
  return out;
}

SignalReading read_pod_mean(const Observation& obs, Duration staleness, const ServingGetter& get) {
  SignalReading r;
  double sum = 0.0;
  for (const PodInfo* pod : serving_pods(obs)) {
    ++r.serving;
    const std::optional<double> v = get(pod->serving);
    if (!well_formed(v)) {
      ++r.missing;
    } else if (!is_fresh(pod->serving.sample_time, obs.now, staleness)) {
      ++r.stale;
    } else {
      ++r.reporting;
      sum += *v;
    }
  }
  if (r.reporting > 0) r.value = sum / r.reporting;
  return r;
}

SignalReading read_concurrent_requests(const Observation& obs, Duration staleness) {
  return read_pod_mean(obs, staleness, [](const ServingSignals& s) -> std::optional<double> {
    if (!s.in_flight) return std::nullopt;
    const double queued = well_formed(s.queued) ? *s.queued : 0.0;
    return *s.in_flight + queued;
  });
}

SignalReading read_gpu_utilization(const Observation& obs, Duration staleness) {
  SignalReading r;
  std::map<std::string, double> per_gpu;  // one value per physical GPU
  for (const PodInfo* pod : serving_pods(obs)) {
    ++r.serving;
    const GpuInfo* gpu = gpu_of(obs, *pod);
    const std::optional<double> v = gpu ? gpu->utilization : pod->serving.gpu_utilization;
    const std::optional<Time> at = gpu ? gpu->sample_time : pod->serving.sample_time;
    if (!well_formed(v)) {
      ++r.missing;
    } else if (!is_fresh(at, obs.now, staleness)) {
      ++r.stale;
    } else {
      ++r.reporting;
      const std::string key = gpu ? gpu->uuid : pod->gpu_uuid.value_or("pod/" + pod->name);
      per_gpu[key] = *v;
    }
  }
  if (!per_gpu.empty()) {
    double sum = 0.0;
    for (const auto& [uuid, util] : per_gpu) sum += util;
    r.value = sum / static_cast<double>(per_gpu.size());
  }
  return r;
}

SignalReading read_latency_ms(const Observation& obs, Duration staleness) {
  SignalReading r;
  double plain_sum = 0.0, weighted_sum = 0.0, weight = 0.0;
  int contributing = 0;
  bool all_weighted = true;
  for (const PodInfo* pod : serving_pods(obs)) {
    ++r.serving;
    const ServingSignals& s = pod->serving;
    const bool fresh = is_fresh(s.sample_time, obs.now, staleness);
    if (well_formed(s.latency_mean_ms)) {
      if (!fresh) {
        ++r.stale;
        continue;
      }
      ++r.reporting;
      ++contributing;
      plain_sum += *s.latency_mean_ms;
      if (well_formed(s.completion_rate) && *s.completion_rate > 0.0) {
        weighted_sum += *s.latency_mean_ms * *s.completion_rate;
        weight += *s.completion_rate;
      } else {
        all_weighted = false;
      }
      continue;
    }
    const bool idle =
        s.completion_rate == 0.0 && s.in_flight == 0.0 && (!s.queued || *s.queued == 0.0);
    if (!idle) {
      ++r.missing;
    } else if (!fresh) {
      ++r.stale;
    } else {
      ++r.reporting;  // known to have served nothing: no latency to report
    }
  }
  if (contributing > 0) {
    r.value = all_weighted ? weighted_sum / weight : plain_sum / contributing;
  } else if (r.reporting > 0) {
    r.value = 0.0;
    r.idle = true;
  }
  return r;
}

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string format_optional(const std::optional<double>& v, int decimals, const char* unit) {
  return v ? format_fixed(*v, decimals) + unit : "n/a";
}

double ceil_tolerant(double v) {
  return std::ceil(v - 1e-9);
}

std::int32_t clamp_proposal(double replicas) {
  if (std::isnan(replicas)) return 1;
  return static_cast<std::int32_t>(
      std::clamp(replicas, 1.0, static_cast<double>(kMaxProposedReplicas)));
}

}  // namespace userscale
