// HAProxy in front of the replicas: userscale writes its configuration (one frontend on
// loopback, a leastconn backend of N server slots that start in maintenance, a stats socket
// with the runtime API in the run directory), starts /usr/sbin/haproxy, and moves servers in
// and out through the runtime API (`set server ... addr`, `state ready|maint`) without reloads.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "actuate/balancer.h"
#include "core/result.h"

namespace userscale::actuate {

struct HaproxyOptions {
  std::filesystem::path binary = "/usr/sbin/haproxy";
  std::filesystem::path run_dir;
  int port = 0;  // where clients connect; 0 picks a free one
  int slots = 8;
  std::chrono::milliseconds start_timeout{10'000};
};

// The configuration text (pure, for tests and for the file).
std::string haproxy_config(const HaproxyOptions& o, const std::filesystem::path& socket);

class Haproxy final : public Balancer {
 public:
  static Result<std::unique_ptr<Haproxy>> start(HaproxyOptions o);
  // An HAProxy an earlier scaler started: kept when it runs and its socket answers.
  static Result<std::unique_ptr<Haproxy>> adopt(HaproxyOptions o, pid_t pid);
  ~Haproxy() override = default;

  int slots() const override { return o_.slots; }
  Status enable(int slot, int port) override;
  Status disable(int slot) override;
  Result<int> active(int slot) override;

  // One runtime API command; the answer's text.
  Result<std::string> command(const std::string& cmd);
  pid_t pid() const { return pid_.load(); }
  // Starts HAProxy again with the same configuration and port, for one that died; every slot
  // is back in maintenance until the pool enables its replicas again.
  Status restart();
  int port() const { return o_.port; }
  bool alive() const;
  // SIGTERM (SIGKILL after a grace) and wait.
  void stop();
  static std::string server_name(int slot) { return "srv" + std::to_string(slot); }

 private:
  Haproxy(HaproxyOptions o, pid_t pid) : o_(std::move(o)), pid_(pid) {}
  Status launch();
  std::filesystem::path socket() const { return o_.run_dir / "haproxy.sock"; }
  HaproxyOptions o_;
  std::atomic<pid_t> pid_;  // the pool's thread reads it while the controller restarts
};

}  // namespace userscale::actuate
