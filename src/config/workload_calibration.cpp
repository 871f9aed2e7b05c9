#include "config/workload_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace userscale::config {

namespace {

struct Moments {
  double mean = 0.0;
  double cv = 0.0;
};

Moments moments(const std::vector<double>& xs) {
  Moments m;
  if (xs.empty()) return m;
  const double n = static_cast<double>(xs.size());
  m.mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double var = 0.0;
  for (double x : xs) var += (x - m.mean) * (x - m.mean);
  var = xs.size() > 1 ? var / (n - 1.0) : 0.0;
  m.cv = m.mean > 0.0 ? std::sqrt(var) / m.mean : 0.0;
  return m;
}

// A cost distribution in the scenario syntax; 0 when nothing was spent.
DistSpec cost(const Moments& m) {
  if (m.mean <= 0.0) return DistSpec::constant(0.0);
  // A tiny spread reads as constant; lognormal needs cv > 0.
  if (m.cv < 0.01) return DistSpec::constant(m.mean);
  return DistSpec::lognormal(m.mean, m.cv);
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string dist_yaml(const DistSpec& d) {
  if (d.kind == DistKind::Constant) return num(d.a);
  return "{dist: lognormal, mean: " + num(d.a) + ", cv: " + num(d.b) + "}";
}

std::string service_yaml(const CalibratedService& c, const std::string& indent) {
  const ServiceSpec& s = c.service;
  return indent + "workload: " + s.workload + "\n" + indent + "cpuCost: " + dist_yaml(s.cpu_cost) +
         "\n" + indent + "gpuCost: " + dist_yaml(s.gpu_cost) + "\n" + indent + "cpu: {limit: \"" +
         num(s.cpu_limit_cores) + "\"}\n";
}

}  // namespace

std::string workload_for_endpoint(const std::string& endpoint) {
  if (endpoint == "convolve") return "convolution";
  if (endpoint == "matrix") return "matmul";
  if (endpoint == "infer") return "inference";
  if (endpoint == "sort" || endpoint == "stream") return endpoint;
  return "busy";  // gpu_job: a fixed amount of kernel work
}

CalibratedService calibrate_service(const EndpointMeasurement& m) {
  CalibratedService c;
  c.service = workload_profile(m.workload).value_or(ServiceSpec{});
  c.service.workload = m.workload;
  const bool gpu = m.device == "cuda";
  std::vector<double> cpu, kernel;
  for (std::size_t i = 0; i < m.service_seconds.size(); ++i) {
    const double k = i < m.kernel_seconds.size() ? m.kernel_seconds[i] : 0.0;
    const double total = m.service_seconds[i];
    if (gpu) {
      kernel.push_back(std::min(k, total));
      cpu.push_back(std::max(0.0, total - k));
    } else {
      cpu.push_back(total);
    }
  }
  const Moments cpu_m = moments(cpu);
  c.service.cpu_cost = cost(cpu_m);
  c.service.gpu_cost = cost(moments(kernel));
  c.mean_service_seconds = moments(m.service_seconds).mean;
  double one = 0.0, best = 0.0;
  for (const auto& p : m.scaling) {
    if (p.workers == 1) one = p.throughput_rps;
    best = std::max(best, p.throughput_rps);
  }
  c.parallelism = one > 0.0 ? std::max(1.0, best / one) : 1.0;
  c.service.cpu_limit_cores = c.parallelism;
  return c;
}

std::string profile_yaml(const std::vector<EndpointMeasurement>& measured,
                         const std::string& note) {
  std::string out = "# A workload profile measured by `userscale calibrate`";
  out += note.empty() ? "" : " (" + note + ")";
  out +=
      ".\n# A scenario reads `service` with `service: {profile: THIS_FILE}`; its own service keys"
      "\n# replace the profile's. `endpoints` keeps every endpoint's profile and measurements.\n";
  if (measured.empty()) return out;
  out += "service:\n" + service_yaml(calibrate_service(measured.front()), "  ");
  out += "endpoints:\n";
  for (const auto& m : measured) {
    const CalibratedService c = calibrate_service(m);
    out += "  " + m.endpoint + ":\n    device: " + m.device +
           "\n    samples: " + std::to_string(m.service_seconds.size()) +
           "\n    meanServiceMs: " + num(c.mean_service_seconds * 1000.0) +
           "\n    parallelism: " + num(c.parallelism) + "\n    scaling:\n";
    for (const auto& p : m.scaling) {
      out += "      - {workers: " + std::to_string(p.workers) +
             ", throughputRps: " + num(p.throughput_rps) +
             ", latencyP50Ms: " + num(p.latency_p50_ms) + "}\n";
    }
    out += "    service:\n" + service_yaml(c, "      ");
  }
  return out;
}

}  // namespace userscale::config
