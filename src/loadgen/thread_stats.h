// What one I/O thread of the load saw, recorded without locks or maps in the hot path (counts
// by endpoint index, per-second timeline rows, its own histograms), and merged into the run's
// LoadSummary after the threads have ended. The progress counters are the only shared state:
// written by their thread alone, read by the progress monitor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "loadgen/client_connection.h"
#include "loadgen/load_runner.h"

namespace userscale::loadgen {

struct alignas(64) ProgressCounters {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
};

class ThreadStats {
 public:
  ThreadStats(Clock::time_point start, std::size_t endpoints, double expected_s);

  // A request leaves (or, open loop, was due): counted in its intended second.
  void sent(Clock::time_point intended);
  // Its end. `sent` is when it actually left; open loop, `intended` is when it was due.
  void done(const Outcome& outcome, std::size_t endpoint, bool open_loop,
            Clock::time_point intended, Clock::time_point sent, Clock::time_point now);

  const ProgressCounters& progress() const { return progress_; }
  Clock::time_point last_done() const { return last_done_; }
  // Adds this thread's part to `into`; endpoint i is specs[i].
  void merge_into(LoadSummary& into, const std::vector<RequestSpec>& specs) const;

 private:
  TimelineRow& row(Clock::time_point t);
  void count_error(const char* kind);
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  Clock::time_point start_;
  LoadSummary part_;
  std::vector<std::uint64_t> by_endpoint_;
  std::vector<std::pair<const char*, std::uint64_t>> errors_;  // kinds are string literals
  Clock::time_point last_done_{};
  ProgressCounters progress_;
};

}  // namespace userscale::loadgen
