// `userscale calibrate [--out PROFILE.yaml] [--endpoints infer,sort] [--samples N]
// [--workers 1,2,4] [--seconds S] [--device auto|cpu|cuda] [--serve-arg A]...`: starts one
// `userscale serve` on a free loopback port, times each endpoint's requests one at a time (the
// server reports the kernel time and its device, so the GPU part is told from the CPU part),
// then measures its throughput with 1, 2, 4 closed-loop workers, and writes a workload profile
// the simulator reads (config/workload_calibration.h). Prints a table of what it measured.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "actuate/free_port.h"
#include "actuate/process.h"
#include "cli/commands.h"
#include "config/workload_calibration.h"
#include "loadgen/endpoint_mix.h"
#include "loadgen/load_runner.h"
#include "metrics/http_client.h"

namespace userscale::cli {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct CalibrateOptions {
  std::string out = "calibrated-profile.yaml";
  std::string endpoints = "infer";
  int samples = 30;
  std::string workers = "1,2,4";
  double seconds = 4.0;
  std::string device = "auto";
  std::vector<std::string> serve_args;
  loadgen::WorkloadSizes sizes;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool wait_ready(int port, pid_t pid) {
  const auto deadline = steady::now() + 60s;
  while (steady::now() < deadline && actuate::is_alive(pid)) {
    metrics::HttpClient c("127.0.0.1", std::to_string(port), 2s);
    if (auto r = c.get("/readyz"); r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// Sequential requests: the client's time and the server's compute_ms and device of each.
Result<config::EndpointMeasurement> time_requests(int port, const loadgen::RequestSpec& spec,
                                                  int samples) {
  config::EndpointMeasurement m;
  m.endpoint = spec.name;
  m.workload = config::workload_for_endpoint(spec.name);
  metrics::HttpClient c("127.0.0.1", std::to_string(port), 120s);
  for (int i = -2; i < samples; ++i) {  // two warm-up requests first
    const auto t0 = steady::now();
    auto r = c.request(spec.method, spec.target, spec.body, spec.content_type);
    const double wall = std::chrono::duration<double>(steady::now() - t0).count();
    if (!r.ok()) return r.error();
    if (r->status != 200) {
      return Error{spec.name, "answered " + std::to_string(r->status) + ": " + r->body};
    }
    if (i < 0) continue;
    const auto body = nlohmann::json::parse(r->body, nullptr, false);
    double kernel_ms = 0.0;
    if (body.is_object()) {
      kernel_ms = body.value("compute_ms", 0.0);
      m.device = body.value("device", m.device);
    }
    m.service_seconds.push_back(wall);
    m.kernel_seconds.push_back(kernel_ms / 1000.0);
  }
  if (m.device.empty()) m.device = "cpu";
  return m;
}

int run_calibrate(const CalibrateOptions& o) {
  std::vector<loadgen::RequestSpec> specs;
  for (const auto& name : split(o.endpoints)) {
    auto spec = loadgen::named_request(name, o.sizes);
    if (!spec.ok()) {
      std::cerr << "--endpoints: " << spec.error().to_string() << "\n";
      return 2;
    }
    specs.push_back(std::move(spec).value());
  }
  std::vector<int> levels;
  for (const auto& w : split(o.workers)) {
    try {
      levels.push_back(std::stoi(w));
    } catch (...) {
      levels.push_back(0);
    }
    if (levels.back() < 1 || levels.back() > 256) {
      std::cerr << "--workers: each must be from 1 to 256, got \"" << w << "\"\n";
      return 2;
    }
  }
  if (specs.empty() || levels.empty() || o.samples < 2 || o.seconds <= 0.0) {
    std::cerr << "userscale calibrate: needs endpoints, worker counts, --samples >= 2 and "
                 "--seconds > 0\n";
    return 2;
  }
  auto port = actuate::free_loopback_port();
  if (!port.ok()) {
    std::cerr << "userscale calibrate: " << port.error().to_string() << "\n";
    return 1;
  }
  std::vector<std::string> argv = {actuate::self_binary().string(),
                                   "serve",
                                   "--port",
                                   std::to_string(*port),
                                   "--device",
                                   o.device,
                                   "--max-inflight",
                                   "256",
                                   "--queue",
                                   "1024"};
  argv.insert(argv.end(), o.serve_args.begin(), o.serve_args.end());
  const std::string log = o.out + ".serve.log";
  auto pid = actuate::spawn(argv, log);
  if (!pid.ok()) {
    std::cerr << "userscale calibrate: " << pid.error().to_string() << "\n";
    return 1;
  }
  struct StopServe {
    pid_t pid;
    ~StopServe() { actuate::terminate(pid, 10s); }
  } stop_serve{*pid};
  if (!wait_ready(*port, *pid)) {
    std::cerr << "userscale calibrate: serve did not turn ready; see " << log << "\n";
    return 1;
  }

  std::vector<config::EndpointMeasurement> measured;
  std::printf("%-9s %-6s %12s %12s %12s  %s\n", "endpoint", "device", "service ms", "cpu ms",
              "gpu ms", "throughput req/s by workers");
  for (const auto& spec : specs) {
    auto m = time_requests(*port, spec, o.samples);
    if (!m.ok()) {
      std::cerr << "userscale calibrate: " << m.error().to_string() << "\n";
      return 1;
    }
    for (int workers : levels) {
      loadgen::LoadOptions lo;
      lo.port = std::to_string(*port);
      lo.mix = loadgen::EndpointMix::single(spec);
      lo.workers = workers;
      lo.duration_s = o.seconds;
      const loadgen::LoadSummary s = loadgen::run_load(lo);
      m->scaling.push_back({workers, s.throughput_rps(), s.latency.percentile_us(50) / 1000.0});
    }
    const config::CalibratedService c = config::calibrate_service(*m);
    std::string scaling;
    for (const auto& p : m->scaling) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%s%d: %.2f", scaling.empty() ? "" : ", ", p.workers,
                    p.throughput_rps);
      scaling += buf;
    }
    std::printf("%-9s %-6s %12.2f %12.2f %12.2f  %s (parallelism %.2f)\n", spec.name.c_str(),
                m->device.c_str(), c.mean_service_seconds * 1000.0,
                c.service.cpu_cost.mean() * 1000.0, c.service.gpu_cost.mean() * 1000.0,
                scaling.c_str(), c.parallelism);
    measured.push_back(std::move(m).value());
  }
  const unsigned cores = std::thread::hardware_concurrency();
  std::ofstream file(o.out);
  file << config::profile_yaml(measured,
                               std::to_string(cores) + " cores, serve --device " + o.device);
  if (!file.flush()) {
    std::cerr << "userscale calibrate: cannot write " << o.out << "\n";
    return 1;
  }
  std::cout << "profile: " << o.out << "\n";
  return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Measure serve's endpoints on this machine and write a workload profile");
  cmd->add_option("--out", o->out, "Profile YAML to write")->capture_default_str();
  cmd->add_option("--endpoints", o->endpoints,
                  "Comma-separated: sort, convolve, matrix, gpu_job, stream, infer (the first is "
                  "the profile's `service`)")
      ->capture_default_str();
  cmd->add_option("--samples", o->samples, "Sequential requests timed per endpoint")
      ->capture_default_str();
  cmd->add_option("--workers", o->workers, "Closed-loop worker counts for the scaling")
      ->capture_default_str();
  cmd->add_option("--seconds", o->seconds, "Seconds per worker count")->capture_default_str();
  cmd->add_option("--device", o->device, "serve's --device: auto, cpu or cuda")
      ->capture_default_str();
  cmd->add_option("--serve-arg", o->serve_args, "Extra argument for serve")
      ->allow_extra_args(false);
  cmd->add_option("--size", o->sizes.sort_size, "Array size of sort")->capture_default_str();
  cmd->add_option("--convolve-size", o->sizes.convolve_size, "Image side of convolve")
      ->capture_default_str();
  cmd->add_option("--matrix-size", o->sizes.matrix_size, "Matrix side")->capture_default_str();
  cmd->add_option("--work-ms", o->sizes.work_ms, "gpu_job work")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_calibrate(*o); });
}

}  // namespace userscale::cli
