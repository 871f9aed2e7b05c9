// One window of one-second buckets averaged by the configured algorithm (the collector's
// `windowAverager`: linear or weighted-exponential).
#pragma once

#include <cstdint>
#include <variant>

#include "core/policies/kpa/knobs.h"
#include "core/policies/kpa/timed_buckets.h"
#include "core/policies/kpa/weighted_buckets.h"

namespace userscale::kpa {

class AveragingWindow {
 public:
  AveragingWindow(std::int64_t window_seconds, Aggregation aggregation);

  void record(Time t, double value);
  double window_average(Time now) const;
  bool is_empty(Time now) const;

 private:
  std::variant<TimedFloat64Buckets, WeightedFloat64Buckets> impl_;
};

}  // namespace userscale::kpa
