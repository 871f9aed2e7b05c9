// The live local world (issue 9): `userscale serve` replicas on loopback behind a real HAProxy
// (runtime API, leastconn, no reloads), observed through a real Prometheus (file_sd targets
// written here, PromQL) or a direct scrape. It is the Actuator and owns the MetricSource; the
// controller cannot tell it from a cluster. Everything it starts is in RUN_DIR/state.json, so
// that a scaler killed and started again adopts it instead of doubling it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actuate/haproxy.h"
#include "actuate/process_pool.h"
#include "actuate/prometheus_server.h"
#include "controller/actuator.h"
#include "controller/metric_source.h"

namespace userscale::controller {

struct LocalWorldOptions {
  std::filesystem::path run_dir;
  std::filesystem::path userscale_binary;  // empty: this process's binary
  std::vector<std::string> serve_args;
  std::string source = "prometheus";  // or "scrape"
  std::filesystem::path haproxy_binary = "/usr/sbin/haproxy";
  std::filesystem::path prometheus_binary = "/usr/bin/prometheus";
  int haproxy_port = 0;  // 0: a free one (or the one an adopted HAProxy has)
  double scrape_interval = 1.0;
  Duration window = 10.0;
  double cpu_request_cores = 1.0;
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 4;
  std::chrono::milliseconds drain_timeout{10'000};
  std::chrono::milliseconds term_grace{10'000};
  std::function<void(const std::string&)> log;  // event lines; may be called from any thread
};

class LocalWorld final : public Actuator {
 public:
  static Result<std::unique_ptr<LocalWorld>> start(LocalWorldOptions o);
  ~LocalWorld() override;

  Result<ActuatorState> state() override;
  Status scale(std::int32_t replicas) override;

  MetricSource& source() { return *source_; }
  int haproxy_port() const { return haproxy_->port(); }
  std::string prometheus_url() const { return prometheus_ ? prometheus_->url() : ""; }
  std::filesystem::path state_file() const { return o_.run_dir / "state.json"; }
  actuate::PoolCounters counters() const { return pool_->counters(); }
  // Drains and stops every replica, then Prometheus and HAProxy; removes the state file.
  void stop();

 private:
  explicit LocalWorld(LocalWorldOptions o) : o_(std::move(o)) {}
  void save_state();
  void log(const std::string& line) const;
  Status ensure_prometheus();
  Status ensure_haproxy();

  LocalWorldOptions o_;
  std::unique_ptr<actuate::Haproxy> haproxy_;
  std::unique_ptr<actuate::PrometheusServer> prometheus_;
  std::unique_ptr<actuate::ProcessPool> pool_;
  std::unique_ptr<MetricSource> source_;
  std::mutex save_mu_;
  bool stopped_ = false;
};

}  // namespace userscale::controller
