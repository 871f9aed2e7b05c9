// Knative's WeightedFloat64Buckets (aggregation/bucketing.go, `metric-aggregation-algorithm:
// weighted-exponential`): the same ring as TimedFloat64Buckets, averaged with exponentially
// decaying weights so that recent seconds count most (kpa-spec.md §4.3).
#pragma once

#include <cstdint>

#include "core/policies/kpa/timed_buckets.h"

namespace userscale::kpa {

// alpha = max(1 - (1 - 0.9999)^(1 / buckets), 0.2): the weights of a whole window sum to at
// least 0.9999, unless that would make alpha smaller than 0.2 (long windows).
double smoothing_coefficient(std::int64_t bucket_count);

class WeightedFloat64Buckets {
 public:
  explicit WeightedFloat64Buckets(std::int64_t window_seconds);

  void record(Time t, double value) { buckets_.record(t, value); }
  bool is_empty(Time now) const { return buckets_.is_empty(now); }

  // sum over i of bucket[lastWrite - i] * alpha * (1 - alpha)^(z + i), z = seconds from the last
  // write to now. Not renormalised for a young window and not rounded; 0 when empty.
  double window_average(Time now) const;

  double alpha() const { return alpha_; }
  const TimedFloat64Buckets& buckets() const { return buckets_; }

 private:
  TimedFloat64Buckets buckets_;
  double alpha_;
};

}  // namespace userscale::kpa
