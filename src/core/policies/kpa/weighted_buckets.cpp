#include "core/policies/kpa/weighted_buckets.h"

#include <algorithm>
#include <cmath>

namespace userscale::kpa {
namespace {

constexpr double kWeightPrecision = 0.9999;
constexpr double kMinSmoothing = 0.2;

}  // namespace

double smoothing_coefficient(std::int64_t bucket_count) {
  return std::max(1.0 - std::pow(1.0 - kWeightPrecision, 1.0 / static_cast<double>(bucket_count)),
                  kMinSmoothing);
}

WeightedFloat64Buckets::WeightedFloat64Buckets(std::int64_t window_seconds)
    : buckets_(window_seconds), alpha_(smoothing_coefficient(buckets_.bucket_count())) {}

double WeightedFloat64Buckets::window_average(Time now) const {
  if (buckets_.is_empty(now)) return 0.0;
  const std::int64_t last = *buckets_.last_write();
  const std::int64_t n = bucket_second(now);
  std::int64_t count = buckets_.bucket_count();
  double multiplier = alpha_;
  if (n > last) {
    // The seconds since the last write are zeros: skip straight to their combined weight.
    const std::int64_t zeros = n - last;
    multiplier *= std::pow(1.0 - alpha_, static_cast<double>(zeros));
    count -= zeros;
  }
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) {
    sum += buckets_.bucket_at(last - i) * multiplier;
    multiplier *= 1.0 - alpha_;
  }
  return sum;
}

}  // namespace userscale::kpa
