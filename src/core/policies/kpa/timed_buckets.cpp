#include "core/policies/kpa/timed_buckets.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace userscale::kpa {

std::int64_t bucket_second(Time t) {
  return static_cast<std::int64_t>(std::floor(t));
}

double round_to_6_digits(double value) {
  constexpr double kScale = 1e6;
  return std::round(value * kScale) / kScale;
}

TimedFloat64Buckets::TimedFloat64Buckets(std::int64_t window_seconds)
    : window_(window_seconds), buckets_(static_cast<std::size_t>(window_seconds), 0.0) {
  assert(window_seconds >= 1);
}

std::size_t TimedFloat64Buckets::index_of(std::int64_t second) const {
  const auto n = static_cast<std::int64_t>(buckets_.size());
  return static_cast<std::size_t>(((second % n) + n) % n);
}

void TimedFloat64Buckets::record(Time t, double value) {
  const std::int64_t b = bucket_second(t);
  if (last_write_ && *last_write_ == b) {
    buckets_[index_of(b)] += value;
    total_ += value;
    return;
  }
  if (last_write_ && b + window_ <= *last_write_) return;  // older than a whole window

  if (!first_write_ || b < *first_write_) first_write_ = b;
  if (!last_write_ || b > *last_write_) {
    if (!last_write_ || b - *last_write_ >= window_) {
      // Nothing written for a whole window: the data starts again from here.
      std::fill(buckets_.begin(), buckets_.end(), 0.0);
      total_ = 0.0;
      first_write_ = b;
    } else {
      // The seconds skipped since the last write hold a previous lap's values: zero them.
      for (std::int64_t s = *last_write_ + 1; s <= b; ++s) {
        double& slot = buckets_[index_of(s)];
        total_ -= slot;
        slot = 0.0;
      }
    }
    last_write_ = b;
  }
  // A late value (within a window before the last write) simply joins its bucket.
  buckets_[index_of(b)] += value;
  total_ += value;
}

double TimedFloat64Buckets::window_average(Time now) const {
  if (!last_write_) return 0.0;
  const std::int64_t n = bucket_second(now);
  const std::int64_t d = n - *last_write_;
  const std::int64_t seen = *last_write_ - *first_write_ + 1;
  const auto ring = static_cast<std::int64_t>(buckets_.size());
  if (d <= 0) {
    const std::int64_t k = std::min(seen, ring);
    return round_to_6_digits(total_ / static_cast<double>(k));
  }
  if (d < window_) {
    // The slots after the last write up to now hold a previous lap's data.
    double sum = total_;
    for (std::int64_t s = *last_write_ + 1; s <= n; ++s) sum -= buckets_[index_of(s)];
    const std::int64_t k = std::min(seen, ring - d);
    return round_to_6_digits(sum / static_cast<double>(k));
  }
  return 0.0;
}

bool TimedFloat64Buckets::is_empty(Time now) const {
  return !last_write_ || bucket_second(now) - *last_write_ > window_;
}

}  // namespace userscale::kpa
