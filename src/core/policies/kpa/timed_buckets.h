// Knative's TimedFloat64Buckets (aggregation/bucketing.go): a ring of one-second buckets that
// averages a revision-wide metric over a window (kpa-spec.md §4.2).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/timefmt.h"

namespace userscale::kpa {

// Whole seconds since the origin, rounded down: the bucket a time falls in.
std::int64_t bucket_second(Time t);

// Rounds half away from zero to 6 decimal places, as the linear window average is reported.
double round_to_6_digits(double value);

class TimedFloat64Buckets {
 public:
  // `window_seconds` >= 1; the ring has one bucket per second of the window.
  explicit TimedFloat64Buckets(std::int64_t window_seconds);

  // Adds `value` to the bucket of `t`. Values of one second add up; a value older than a whole
  // window before the last write is dropped; moving forward clears the skipped buckets, and a
  // gap of a whole window or more starts the window afresh.
  void record(Time t, double value);

  // The average over the seconds seen, not over the whole window: the divisor is the number of
  // seconds since the first write (at most the ring), less the seconds missing at the end. 0
  // when nothing was written within a window before `now`. Rounded to 6 decimals.
  double window_average(Time now) const;

  // True when nothing was ever written, or the last write is more than a window before `now`.
  bool is_empty(Time now) const;

  std::int64_t window_seconds() const { return window_; }
  std::int64_t bucket_count() const { return static_cast<std::int64_t>(buckets_.size()); }
  std::optional<std::int64_t> first_write() const { return first_write_; }
  std::optional<std::int64_t> last_write() const { return last_write_; }
  // The ring slot that second `s` maps to (it may hold a previous lap's data).
  double bucket_at(std::int64_t second) const { return buckets_[index_of(second)]; }
  double window_total() const { return total_; }

 private:
  std::size_t index_of(std::int64_t second) const;

  std::int64_t window_;
  std::vector<double> buckets_;
  double total_ = 0.0;  // sum of the whole ring, stale slots included
  std::optional<std::int64_t> first_write_;
  std::optional<std::int64_t> last_write_;
};

}  // namespace userscale::kpa
