// Helpers of the live local-world tests: a `userscale scaler` process with its output in a
// file, polling of its status endpoint, closed-loop load through HAProxy, and the pids of
// everything it started (from RUN_DIR/state.json), to prove that nothing is left behind.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actuate/process.h"
#include "actuate/run_state.h"
#include "metrics/http_client.h"

namespace userscale::controller::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("us-lw-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `pred` every 100 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

// Every pid the state file names (scaler excluded).
inline std::vector<pid_t> world_pids(const actuate::RunState& s) {
  std::vector<pid_t> out;
  if (s.haproxy_pid) out.push_back(s.haproxy_pid);
  if (s.prometheus_pid) out.push_back(s.prometheus_pid);
  for (const auto& r : s.replicas) out.push_back(r.pid);
  return out;
}

class Scaler {
 public:
  Scaler(fs::path dir, const std::string& config_yaml, std::vector<std::string> extra)
      : dir_(std::move(dir)) {
    std::ofstream(dir_ / "config.yaml") << config_yaml;
    args_ = {USERSCALE_BINARY, "scaler",
             "--world",        "local",
             "--config",       (dir_ / "config.yaml").string(),
             "--run-dir",      (dir_ / "run").string()};
    args_.insert(args_.end(), extra.begin(), extra.end());
  }
  // Stops what is left; the directory stays only when the test failed, for its logs.
  ~Scaler() {
    cleanup();
    if (!::testing::Test::HasFailure()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // Starts the scaler and waits for its status endpoint and HAProxy port.
  bool start() {
    static std::atomic<int> starts{0};  // one output file per start, across Scaler objects
    out_ = dir_ / ("scaler-" + std::to_string(++starts) + ".out");
    auto pid = actuate::spawn(args_, out_);
    if (!pid.ok()) return false;
    pid_ = *pid;
    return eventually(
        [&] {
          const std::string text = read_text(out_);
          status_port_ = port_after(text, "status on http://127.0.0.1:");
          haproxy_port_ = port_after(text, "HAProxy on http://127.0.0.1:");
          return status_port_ > 0 && haproxy_port_ > 0;
        },
        60s);
  }

  nlohmann::json get_json(const std::string& path) const {
    metrics::HttpClient c("127.0.0.1", std::to_string(status_port_), 2s);
    auto r = c.get(path);
    if (!r.ok() || r->status != 200) return nullptr;
    try {
      return nlohmann::json::parse(r->body);
    } catch (...) {
      return nullptr;
    }
  }
  std::string get_text(const std::string& path) const {
    metrics::HttpClient c("127.0.0.1", std::to_string(status_port_), 2s);
    auto r = c.get(path);
    return r.ok() ? r->body : "";
  }
  // The single target of the snapshot, or null.
  nlohmann::json target() const {
    auto s = get_json("/api/v1/snapshot");
    if (!s.is_object() || s["targets"].empty()) return nullptr;
    return s["targets"][0];
  }
  int field(const char* name) const {
    auto t = target();
    return t.is_object() && t.contains(name) && t[name].is_number() ? t[name].get<int>() : -1;
  }
  actuate::RunState state() const {
    auto s = actuate::read_run_state(dir_ / "run" / "state.json");
    return s.ok() ? *s : actuate::RunState{};
  }

  // SIGINT and wait for the exit; returns the exit code (-1: did not exit in time).
  int interrupt(std::chrono::milliseconds limit = 60s) { return signal_and_wait(SIGINT, limit); }
  int terminate(std::chrono::milliseconds limit = 60s) { return signal_and_wait(SIGTERM, limit); }
  void kill_hard() { signal_and_wait(SIGKILL, 10s); }

  pid_t pid() const { return pid_; }
  int haproxy_port() const { return haproxy_port_; }
  std::string output() const { return read_text(out_); }
  fs::path run_dir() const { return dir_ / "run"; }

 private:
  static int port_after(const std::string& text, const std::string& marker) {
    const auto at = text.find(marker);
    if (at == std::string::npos) return 0;
    try {
      return std::stoi(text.substr(at + marker.size()));
    } catch (...) {
      return 0;
    }
  }
  int signal_and_wait(int sig, std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }
  // Whatever a failed test left running is stopped, so that tests do not leak processes.
  void cleanup() {
    const auto s = state();
    if (pid_ > 0 && interrupt(30s) == -1) kill_hard();
    for (pid_t p : world_pids(s)) {
      if (actuate::is_alive(p)) ::kill(p, SIGKILL);
    }
  }

  fs::path dir_;
  std::vector<std::string> args_;
  fs::path out_;
  pid_t pid_ = 0;
  int status_port_ = 0;
  int haproxy_port_ = 0;
};

// Closed-loop clients through HAProxy: each sends `target` again as soon as it is answered.
class Load {
 public:
  Load(int port, std::string target) : port_(port), target_(std::move(target)) {}
  ~Load() { stop_all(); }
  void add_workers(int n) {
    for (int i = 0; i < n; ++i) {
      auto stop = std::make_shared<std::atomic<bool>>(false);
      stops_.push_back(stop);
      threads_.emplace_back([this, stop] {
        metrics::HttpClient c("127.0.0.1", std::to_string(port_), 30s);
        while (!stop->load()) {
          auto r = c.get(target_);
          ++sent_;
          if (!r.ok() || r->status != 200) {
            ++failed_;
            std::lock_guard lock(mu_);
            last_failure_ = r.ok() ? "HTTP " + std::to_string(r->status) + " " + r->body
                                   : r.error().to_string();
          }
        }
      });
    }
  }
  // Stops the newest `n` workers (each finishes its request first).
  void remove_workers(std::size_t n) {
    for (std::size_t i = 0; i < n && !stops_.empty(); ++i) {
      stops_.back()->store(true);
      threads_.back().join();
      stops_.pop_back();
      threads_.pop_back();
    }
  }
  void stop_all() { remove_workers(threads_.size()); }
  int sent() const { return sent_; }
  int failed() const { return failed_; }
  std::string last_failure() {
    std::lock_guard lock(mu_);
    return last_failure_;
  }

 private:
  int port_;
  std::string target_;
  std::vector<std::shared_ptr<std::atomic<bool>>> stops_;
  std::vector<std::thread> threads_;
  std::atomic<int> sent_{0};
  std::atomic<int> failed_{0};
  std::mutex mu_;
  std::string last_failure_;
};

}  // namespace userscale::controller::testing
