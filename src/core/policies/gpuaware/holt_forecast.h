// A short-horizon forecast of the arrival rate: Holt's linear trend (double exponential
// smoothing), written for samples at irregular times.
//
// With a sample y at dt seconds after the previous one:
//   level  L' = alpha y + (1 - alpha) (L + b dt)
//   trend  b' = beta (L' - L) / dt + (1 - beta) b      (requests/s per second)
// and the forecast h seconds ahead is L + b h, never below zero. The first sample sets the
// level and a flat trend; a gap longer than `max_gap` starts over (the old trend is stale).
#pragma once

#include <optional>

#include "core/timefmt.h"

namespace userscale {

class HoltForecaster {
 public:
  HoltForecaster(double alpha, double beta, Duration max_gap)
      : alpha_(alpha), beta_(beta), max_gap_(max_gap) {}

  // Adds the value seen at `time`; a sample no later than the previous one is ignored.
  void update(Time time, double value);

  std::optional<double> level() const { return level_; }
  double trend() const { return trend_; }  // per second
  std::optional<double> forecast(Duration horizon) const;

 private:
  double alpha_;
  double beta_;
  Duration max_gap_;
  std::optional<double> level_;
  double trend_ = 0;
  Time last_ = 0;
};

}  // namespace userscale
