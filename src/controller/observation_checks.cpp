#include "controller/observation_checks.h"

#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace userscale::controller {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Why `v` is impossible, or "" when it is fine.
std::string problem(double v) {
  if (std::isnan(v)) return "not a number";
  if (std::isinf(v)) return "infinite";
  if (v < 0) return "negative (" + number(v) + ")";
  if (v > kAbsurdSignal) return "absurdly large (" + number(v) + ")";
  return "";
}

using Named = std::vector<std::pair<const char*, const std::optional<double>*>>;

std::optional<std::string> first_problem(const std::string& where, const Named& fields) {
  for (const auto& [name, v] : fields) {
    if (!*v) continue;
    if (auto p = problem(**v); !p.empty()) return where + ": " + name + " is " + p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> find_invalid_signal(const Observation& obs) {
  for (const auto& pod : obs.pods) {
    const ServingSignals& s = pod.serving;
    if (auto p =
            first_problem("pod " + pod.name, {{"requests_in_flight", &s.in_flight},
                                              {"requests_queued", &s.queued},
                                              {"arrival_rate", &s.arrival_rate},
                                              {"completion_rate", &s.completion_rate},
                                              {"latency_mean_ms", &s.latency_mean_ms},
                                              {"latency_p95_ms", &s.latency_p95_ms},
                                              {"cpu_utilization", &s.cpu_utilization},
                                              {"gpu_utilization", &s.gpu_utilization},
                                              {"gpu_memory_used_bytes", &s.gpu_memory_used_bytes},
                                              {"concurrent_users", &s.concurrent_users}}))
      return p;
  }
  for (const auto& g : obs.gpus) {
    if (auto p = first_problem("GPU " + g.uuid, {{"utilization", &g.utilization},
                                                 {"memory_used_bytes", &g.memory_used_bytes},
                                                 {"memory_total_bytes", &g.memory_total_bytes}}))
      return p;
  }
  const ServiceSignals& v = obs.service;
  if (auto p = first_problem("service", {{"arrival_rate", &v.arrival_rate},
                                         {"latency_p50_ms", &v.latency_p50_ms},
                                         {"latency_p95_ms", &v.latency_p95_ms},
                                         {"latency_p99_ms", &v.latency_p99_ms},
                                         {"queued", &v.queued}}))
    return p;
  return std::nullopt;
}

Coverage sample_coverage(const Observation& obs, Time now, Duration staleness_limit) {
  Coverage c;
  for (const auto& p : obs.pods) {
    if (!p.is_ready()) continue;
    ++c.ready;
    if (p.serving.sample_time && now - *p.serving.sample_time <= staleness_limit) ++c.reporting;
  }
  return c;
}

}  // namespace userscale::controller
