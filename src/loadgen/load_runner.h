// Runs a load against a server: closed-loop workers (each sends, waits for the answer, thinks,
// sends again) or an open-loop schedule of intended send times served by a pool of keep-alive
// connections. Open-loop latency runs from the intended send time, so that a stalled server's
// backlog shows in the latencies instead of silently slowing the load (coordinated omission).
// The engine is event-driven (io_worker.h): a few I/O threads, each with its own loop and many
// connections, so that the generator, not a thread per connection, keeps up with fast servers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "loadgen/endpoint_mix.h"
#include "loadgen/latency_histogram.h"

namespace userscale::loadgen {

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::string port = "8000";
  EndpointMix mix = EndpointMix::single(RequestSpec{"healthz", "GET", "/healthz", "", "", 1.0});
  bool open_loop = false;
  // Closed loop:
  int workers = 1;
  double think_ms = 0.0;
  double duration_s = 10.0;
  // Open loop: intended send times in seconds from the start (see arrivals.h).
  std::vector<double> schedule;
  int connections = 64;
  std::uint64_t seed = 1;
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  // I/O threads sharing the connections; 0: one per CPU this process may run on.
  int io_threads = 0;
};

struct Progress {
  double elapsed_s = 0.0;
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;  // non-2xx answers and transport errors
};

struct TimelineRow {
  std::uint64_t sent = 0;       // requests whose (intended) send time fell in this second
  std::uint64_t ok = 0;         // 2xx answers completed in this second
  std::uint64_t failed = 0;     // other answers and errors completed in this second
  double latency_sum_ms = 0.0;  // of the ok ones
  double latency_max_ms = 0.0;
};

struct LoadSummary {
  bool open_loop = false;
  double duration_s = 0.0;   // as asked
  double elapsed_s = 0.0;    // from the start to the last answer
  double offered_rps = 0.0;  // open loop: the schedule's rate
  std::uint64_t requests = 0;
  std::uint64_t completed = 0;                  // 2xx
  std::map<int, std::uint64_t> failed_by_code;  // non-2xx answers
  std::map<std::string, std::uint64_t> errors;  // no answer: connect, timeout, closed, io
  std::map<std::string, std::uint64_t> by_endpoint;
  LatencyHistogram latency;       // of 2xx answers; open loop: from the intended send time
  LatencyHistogram service_time;  // of 2xx answers, from the actual send
  LatencyHistogram send_lag;      // open loop: actual send minus intended send
  std::vector<TimelineRow> timeline;
  int io_threads = 0;  // as run

  double throughput_rps() const { return elapsed_s > 0 ? completed / elapsed_s : 0.0; }
};

// `progress`, when set, is called about once a second from a monitor thread.
LoadSummary run_load(const LoadOptions& options,
                     const std::function<void(const Progress&)>& progress = {});

}  // namespace userscale::loadgen
