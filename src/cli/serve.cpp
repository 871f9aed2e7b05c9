// `userscale serve [--port 8000] [--bind 127.0.0.1] [--max-inflight N] [--queue N]
// [--max-connections N] [--device auto|cpu|cuda] [--warmup-ms MS] [--model FILE] [--max-body-bytes
// N]`: the GPU workload server (src/server/http_server.h).
#include <iostream>

#include "cli/commands.h"
#include "server/http_server.h"

namespace userscale::cli {

void add_serve_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<server::ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the GPU workload server (HTTP, /metrics)");
  cmd->add_option("--port", opts->port, "TCP port; 0 picks a free one")->capture_default_str();
  cmd->add_option("--bind", opts->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--max-inflight", opts->max_inflight, "Requests executed at once")
      ->capture_default_str();
  cmd->add_option("--queue", opts->queue, "Requests that may wait; beyond: 503")
      ->capture_default_str();
  cmd->add_option("--max-connections", opts->max_connections,
                  "Open connections at most; beyond, new ones wait to be accepted")
      ->capture_default_str();
  cmd->add_option("--io-threads", opts->io_threads, "I/O threads; 0: one per usable core")
      ->capture_default_str();
  cmd->add_option("--device", opts->device, "auto, cpu or cuda")->capture_default_str();
  cmd->add_option("--warmup-ms", opts->warmup_ms, "Least time before /readyz turns 200")
      ->capture_default_str();
  cmd->add_option("--model", opts->model_path, "Classifier weights (raw float32) for /infer");
  cmd->add_option("--max-body-bytes", opts->max_body_bytes, "Larger bodies get 413")
      ->capture_default_str();
  cmd->add_option("--idle-timeout-ms", opts->idle_timeout_ms, "Idle keep-alive connection limit")
      ->capture_default_str();
  cmd->add_option("--drain-timeout-ms", opts->drain_timeout_ms,
                  "Longest wait for in-flight requests after SIGTERM")
      ->capture_default_str();
  cmd->callback(
      [opts, &exit_code] { exit_code = server::run_server(*opts, std::cout, std::cerr); });
}

}  // namespace userscale::cli
