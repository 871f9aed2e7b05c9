// `userscale serve`: the HTTP/1.1 workload server. Asynchronous I/O (Boost.Beast on an Asio
// loop run by one thread per core) for up to --max-connections keep-alive connections;
// admission control in front of a pool of --max-inflight worker threads that run the
// workloads; and a drain on SIGTERM: readiness turns false, new work is refused, in-flight
// requests finish, then the server exits 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace userscale::server {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8000;  // 0 picks a free port; the log line says which
  int max_inflight = 8;
  int queue = 64;
  // Open connections at most; at the limit the server stops accepting (new connections wait
  // in the kernel's listen backlog) until one closes, so that threads stay bounded.
  int max_connections = 1024;
  int io_threads = 0;  // threads running the I/O loop; 0: one per usable core
  std::string device = "auto";
  std::size_t max_body_bytes = 4u << 20;
  int warmup_ms = 0;       // the least time before /readyz answers 200
  std::string model_path;  // classifier weights; empty: generated from model_seed
  std::uint64_t model_seed = 1234;
  int idle_timeout_ms = 60'000;
  int drain_timeout_ms = 30'000;
  int retry_after_s = 1;
};

// Blocks until a signal ends the server. Writes `listening on http://HOST:PORT` to `out` once
// accepting; log lines to `log`. Returns the exit code.
int run_server(const ServeOptions& options, std::ostream& out, std::ostream& log);

}  // namespace userscale::server
