// One `userscale scaler --world kubernetes` process with N GPUAutoscalers (default 1,000) at a
// 5 s sync period against the fake API server (TLS, in this process), each on its own
// Deployment with one pod whose /metrics a plain fake serves. Prints a table: CPU per tick
// (the scaler's user+system CPU over the measured window divided by the decisions made),
// CPU share, peak and final RSS, and API requests per second as the server counted them.
//
//   kube_scale_bench [N=1000] [SECONDS=60] [QPS=400] [BURST=800]
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "support/child_process.h"
#include "support/fake_apiserver.h"
#include "support/process_cpu.h"

using nlohmann::json;
using userscale::testing::ChildProcess;
using userscale::testing::FakeApiServer;
using userscale::testing::FakeApiServerOptions;

namespace {

double rss_mib(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::string(key).size())) / 1024.0;
  }
  return 0;
}

std::size_t lines(const std::string& file) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 1000;
  const double seconds = argc > 2 ? std::stod(argv[2]) : 60;
  const std::string qps = argc > 3 ? argv[3] : "400";
  const std::string burst = argc > 4 ? argv[4] : "800";
  FakeApiServerOptions mo;
  mo.tls = false;
  mo.token = "";
  FakeApiServer pods_metrics(mo);
  pods_metrics.set_text(
      "/metrics", "# TYPE userscale_requests_in_flight gauge\nuserscale_requests_in_flight 2\n");
  FakeApiServerOptions ao;
  ao.bookmark_interval = std::chrono::seconds(60);
  FakeApiServer api(ao);
  for (int i = 0; i < n; ++i) {
    const std::string name = "svc-" + std::to_string(i);
    api.create(FakeApiServer::deployment("default", name, 1, pods_metrics.port()));
    api.create(
        {{"apiVersion", "userscale.dev/v1alpha1"},
         {"kind", "GPUAutoscaler"},
         {"metadata", {{"name", name}, {"namespace", "default"}}},
         {"spec",
          {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
           {"minReplicas", 1},
           {"maxReplicas", 8},
           {"metrics",
            json::array({{{"type", "Pods"},
                          {"pods",
                           {{"metric", {{"name", "requests_in_flight"}}},
                            {"target", {{"type", "AverageValue"}, {"averageValue", "2"}}}}}}})},
           {"policy", {{"name", "hpa"}}},
           {"syncPeriodSeconds", 5}}}});
  }
  const std::string dir = api.dir();
  const std::string kubeconfig = api.write_kubeconfig(dir + "/kubeconfig");
  ChildProcess scaler({USERSCALE_BINARY, "scaler", "--world", "kubernetes", "--kubeconfig",
                       kubeconfig, "--namespace", "default", "--run-dir", dir + "/run", "--quiet",
                       "--kube-qps", qps, "--kube-burst", burst, "--leader-elect", "true"},
                      dir + "/scaler.out", dir + "/scaler.err");
  // Warm up: every target ticked once (the first tick of all targets comes at once).
  const auto warm_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lines(dir + "/run/decisions.jsonl") < static_cast<std::size_t>(n) &&
         std::chrono::steady_clock::now() < warm_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (lines(dir + "/run/decisions.jsonl") == 0) {
    std::ifstream out(dir + "/scaler.out"), err(dir + "/scaler.err");
    std::cerr << "the scaler made no decision:\n" << out.rdbuf() << err.rdbuf() << "\n";
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const pid_t pid = scaler.pid();
  if (pid == 0) {
    std::cerr << "scaler not running\n";
    return 1;
  }
  const double cpu0 = userscale::testing::process_cpu_seconds(pid);
  const std::size_t req0 = api.request_count();
  const std::size_t dec0 = lines(dir + "/run/decisions.jsonl");
  const auto t0 = std::chrono::steady_clock::now();
  double peak = 0;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
    peak = std::max(peak, rss_mib(pid, "VmRSS:"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = userscale::testing::process_cpu_seconds(pid) - cpu0;
  const std::size_t requests = api.request_count() - req0;
  const std::size_t decisions = lines(dir + "/run/decisions.jsonl") - dec0;
  const double rss = rss_mib(pid, "VmRSS:");
  scaler.signal(SIGTERM);
  scaler.wait(std::chrono::seconds(60));
  std::printf(
      "| GPUAutoscalers | sync | window | decisions/s | CPU per tick | CPU (cores) | RSS (MiB, end "
      "/ peak) | API requests/s | QPS/burst |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  std::printf("| %d | 5 s | %.0f s | %.1f | %.1f us | %.3f | %.1f / %.1f | %.1f | %s/%s |\n", n,
              wall, decisions / wall, decisions ? cpu / decisions * 1e6 : 0.0, cpu / wall, rss,
              peak, requests / wall, qps.c_str(), burst.c_str());
  return 0;
}
