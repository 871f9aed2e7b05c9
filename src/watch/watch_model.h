// What the watcher knows about one source, built up poll by poll: the latest view of every
// target, its replica history and its last decision lines, and whether the source is reachable
// now (and since when it is not). The renderer draws from this; it holds no I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "watch/source.h"

namespace userscale::watch {

struct TargetState {
  TargetView view;
  std::deque<Sample> history;          // oldest first, at most kHistory
  std::deque<DecisionLine> decisions;  // oldest first, at most kDecisions
};

class WatchModel {
 public:
  static constexpr std::size_t kHistory = 600;
  static constexpr std::size_t kDecisions = 100;

  explicit WatchModel(std::string title) : title_(std::move(title)) {}

  // `wall_now`: unix seconds, the moment the poll answered (for "unreachable since").
  void apply(const Poll& poll, double wall_now);

  const std::string& title() const { return title_; }
  const std::vector<TargetState>& targets() const { return targets_; }
  bool ever_reached() const { return ever_reached_; }
  bool reachable() const { return !unreachable_since_; }
  std::optional<double> unreachable_since() const { return unreachable_since_; }
  const std::string& error() const { return error_; }
  const std::string& source_name() const { return source_; }
  std::optional<double> time() const { return time_; }
  bool relative_time() const { return relative_time_; }
  std::optional<double> end_time() const { return end_time_; }
  bool finished() const { return finished_; }
  double last_wall() const { return last_wall_; }

 private:
  TargetState* find(const std::string& name);

  std::string title_;
  std::vector<TargetState> targets_;
  bool ever_reached_ = false;
  std::optional<double> unreachable_since_;
  std::string error_;
  std::string source_;
  std::optional<double> time_;
  bool relative_time_ = false;
  std::optional<double> end_time_;
  bool finished_ = false;
  double last_wall_ = 0.0;
};

}  // namespace userscale::watch
