// Where the watcher's state comes from: a running scaler (scaler_source.h) or a finished run
// replayed (results_source.h). The app polls each source once per refresh.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "watch/snapshot.h"

namespace userscale::watch {

// One point of a target's replica history (the sparklines).
struct Sample {
  double time = 0.0;
  std::optional<int> desired;
  std::optional<int> current;
  std::optional<int> ready;
};

struct TargetSample {
  std::string target;
  Sample sample;
};

struct TargetDecision {
  std::string target;
  DecisionLine decision;
};

struct Poll {
  // False when the source could not be read; `error` says why and the rest is empty.
  bool reachable = true;
  std::string error;
  Snapshot snapshot;
  std::vector<TargetSample> samples;      // history points new since the last poll
  std::vector<TargetDecision> decisions;  // decision lines new since the last poll, oldest first
  bool finished = false;                  // a replay that reached its end
};

class WatchSource {
 public:
  virtual ~WatchSource() = default;
  // "scaler http://127.0.0.1:9090", "results runs/burst-hpa"
  virtual std::string describe() const = 0;
  virtual Poll poll() = 0;
  // A paused replay's clock stands still; a live source ignores this (the app stops polling).
  virtual void set_paused(bool) {}
};

}  // namespace userscale::watch
