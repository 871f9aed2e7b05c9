// The controller's own /metrics: replicas wanted and running per target, decisions by kind,
// source errors, and how long ticks take.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace userscale::controller {

class ControllerMetrics {
 public:
  ControllerMetrics();
  // Makes the target's series exist (at 0) before its first tick, so that a reader sees them.
  void register_target(const std::string& target, const std::string& source);
  void set_replicas(const std::string& target, int desired, int current, int ready);
  // `reason` is a small closed set: scale_up, scale_down, hold, source_error, stale,
  // invalid (an impossible signal value), partial (a scale-down withheld, or a hold, while some
  // ready pods reported no fresh sample), actuator_error.
  void count_decision(const std::string& target, const std::string& reason);
  void count_source_error(const std::string& target, const std::string& source);
  void observe_tick(double seconds);

  std::string render() const;
  std::uint64_t source_errors(const std::string& target) const;
  // The replicas last decided for the target; nullopt before its first decision with a known
  // count. Followers of this number (KEDA, an HPA on userscale_desired_replicas) must hold,
  // not scale to 0, while it is unknown, so the gauge has no sample until then.
  std::optional<int> desired_replicas(const std::string& target) const;

 private:
  struct Replicas {
    int desired = 0, current = 0, ready = 0;
    bool decided = false;
  };
  mutable std::mutex mu_;
  std::map<std::string, Replicas> replicas_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> decisions_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> source_errors_;
  std::vector<std::uint64_t> tick_buckets_;  // non-cumulative, one per bound plus +Inf
  double tick_sum_ = 0.0;
  std::uint64_t tick_count_ = 0;
};

}  // namespace userscale::controller
