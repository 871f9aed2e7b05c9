// A real Prometheus for the local world: userscale writes its configuration (one job, scrape
// targets from a file_sd file that the process pool rewrites), starts /usr/bin/prometheus on a
// loopback port with its data in the run directory, and waits for /-/ready.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::actuate {

struct PrometheusOptions {
  std::filesystem::path binary = "/usr/bin/prometheus";
  std::filesystem::path run_dir;
  int port = 0;                // 0 picks a free one
  double scrape_interval = 1;  // seconds
  std::chrono::milliseconds start_timeout{30'000};
  // More entries of scrape_configs, as YAML list items indented by two spaces (a DCGM
  // exporter, say); appended after the userscale job.
  std::string extra_scrape_configs;
};

struct ScrapeTarget {
  std::string address;  // host:port
  std::string pod;      // the `pod` label Prometheus attaches
};

std::string prometheus_config(const PrometheusOptions& o, const std::filesystem::path& targets);
std::string file_sd_json(const std::vector<ScrapeTarget>& targets);

class PrometheusServer {
 public:
  static Result<std::unique_ptr<PrometheusServer>> start(PrometheusOptions o);
  // A Prometheus an earlier scaler started: kept when it runs and answers /-/ready.
  static Result<std::unique_ptr<PrometheusServer>> adopt(PrometheusOptions o, pid_t pid);

  // Rewrites the file_sd file atomically (Prometheus watches it).
  Status write_targets(const std::vector<ScrapeTarget>& targets);
  std::filesystem::path targets_file() const { return o_.run_dir / "prometheus-targets.json"; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(o_.port); }
  int port() const { return o_.port; }
  pid_t pid() const { return pid_; }
  bool alive() const;
  bool ready() const;
  void stop();

 private:
  PrometheusServer(PrometheusOptions o, pid_t pid) : o_(std::move(o)), pid_(pid) {}
  PrometheusOptions o_;
  pid_t pid_;
};

}  // namespace userscale::actuate
