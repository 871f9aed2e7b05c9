// What every connection of a running server shares: options, admission control, the worker
// pool that runs workloads, metrics, the open connections, readiness and the log.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "metrics/nvml.h"
#include "server/admission.h"
#include "server/connection_table.h"
#include "server/http_server.h"
#include "server/server_metrics.h"
#include "server/workloads.h"

namespace userscale::server {

class Log {
 public:
  explicit Log(std::ostream& os) : os_(os) {}
  void line(const std::string& s);

 private:
  std::ostream& os_;
  std::mutex mu_;
};

struct ServerState {
  ServerState(const ServeOptions& o, Workloads w, Log& l);

  const ServeOptions& options;
  Admission admission;
  // One thread per execution slot: a workload never runs on an I/O thread.
  boost::asio::thread_pool workers;
  ServerMetrics metrics;
  Workloads workloads;
  ConnectionTable connections;
  Log& log;
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};
  std::unique_ptr<metrics::Nvml> nvml;
  std::mutex nvml_mu;
  std::uint64_t nvml_errors = 0;  // failed samples (under nvml_mu)
  std::string nvml_last_error;    // "" while NVML answers (under nvml_mu)
  double start_time_seconds = 0.0;

  std::string render_metrics();
};

}  // namespace userscale::server
