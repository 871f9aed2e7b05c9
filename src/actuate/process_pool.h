// The local world's replicas: `userscale serve` processes on free loopback ports. The pool
// keeps as many running as asked: it starts them (waits for their port and /readyz, then
// enables their balancer slot), drains them on scale-in (balancer slot to maintenance, wait
// until the balancer has nothing in flight for them, SIGTERM, SIGKILL after a grace), notices
// replicas that died and replaces them, and adopts the replicas an earlier scaler left running.
// One maintenance pass (step) runs every 100 ms on the pool's thread, or on demand in tests.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actuate/balancer.h"
#include "core/result.h"

namespace userscale::actuate {

struct PoolOptions {
  std::filesystem::path binary;         // the userscale binary (runs `serve`)
  std::filesystem::path run_dir;        // replica logs go to run_dir/replicas/
  std::vector<std::string> serve_args;  // extra arguments for `userscale serve`
  int slots = 8;                        // without a balancer: the most replicas at once
  std::chrono::milliseconds start_timeout{30'000};
  std::chrono::milliseconds drain_timeout{10'000};  // balancer still busy: SIGTERM anyway
  std::chrono::milliseconds term_grace{10'000};     // after SIGTERM: SIGKILL
  std::chrono::milliseconds step_period{100};
  // A replica that fails to start (exits or never turns ready) delays the next start by this,
  // doubled at each failure in a row up to the cap, so that a broken binary or argument is not
  // respawned every pass; a replica that turns ready resets it.
  std::chrono::milliseconds restart_backoff_initial{500};
  std::chrono::milliseconds restart_backoff_max{30'000};
};

enum class ReplicaState { Starting, Ready, Draining, Terminating };
const char* state_name(ReplicaState s);

// What the state file keeps of a replica, to adopt it after a restart.
struct ReplicaRecord {
  std::string name;
  pid_t pid = 0;
  int port = 0;
  int slot = 0;
  double started = 0;  // unix seconds
};

struct ReplicaInfo {
  ReplicaRecord record;
  ReplicaState state = ReplicaState::Starting;
  bool adopted = false;
};

struct PoolCounters {
  int started = 0;
  int adopted = 0;
  int died = 0;  // exited without being asked to
  int drained = 0;
  int killed = 0;  // needed SIGKILL
};

class ProcessPool {
 public:
  ProcessPool(PoolOptions options, Balancer* balancer);
  ~ProcessPool();
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  // Called after a pass that changed the set of replicas or their ports (state file, file_sd).
  void on_change(std::function<void(const std::vector<ReplicaInfo>&)> f);
  // Log lines ("replica-3 died (pid 1234); replacing it").
  void on_event(std::function<void(const std::string&)> f);

  // Adopts the replicas of `records` that still run `serve` and answer /healthz; kills those
  // that run but do not answer; disables every balancer slot not adopted. Returns how many.
  int adopt(const std::vector<ReplicaRecord>& records, int next_seq);

  void set_desired(int n);
  int desired() const;
  std::vector<ReplicaInfo> replicas() const;
  PoolCounters counters() const;
  int next_seq() const;
  // The wait before the next start after the failed starts so far (0 when none failed).
  std::chrono::milliseconds restart_backoff() const;

  // Enables every ready replica's slot again (a balancer that was restarted).
  void resync_balancer();
  // One maintenance pass.
  void step();
  void start();  // the maintenance thread
  // Stops the thread, drains and stops every replica (including adopted ones).
  void shutdown();

 private:
  struct Replica {
    ReplicaInfo info;
    std::chrono::steady_clock::time_point deadline;
    bool sigkilled = false;
  };
  int slot_count() const;
  int free_slot() const;
  void start_one(std::vector<std::string>& events);
  std::optional<int> port_from_log(const Replica& r) const;
  std::filesystem::path log_path(const std::string& name) const;
  void notify(const std::vector<std::string>& events, bool changed);
  void note_failed_start(std::chrono::steady_clock::time_point now,
                         std::vector<std::string>& events);

  PoolOptions o_;
  Balancer* balancer_;
  mutable std::mutex mu_;
  std::vector<Replica> replicas_;
  int desired_ = 0;
  int next_seq_ = 1;
  PoolCounters counters_;
  int failed_starts_ = 0;  // in a row; under mu_
  std::chrono::steady_clock::time_point next_start_{};
  std::function<void(const std::vector<ReplicaInfo>&)> on_change_;
  std::function<void(const std::string&)> on_event_;
  std::mutex step_mu_;  // one pass at a time
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::condition_variable wake_;
  std::mutex wake_mu_;
};

}  // namespace userscale::actuate
