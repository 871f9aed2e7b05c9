// Knative's max.TimeWindow (aggregation/max/timewindow.go, window.go): the sliding maximum that
// implements `scale-down-delay` (kpa-spec.md §6). A value recorded at t holds the output at
// least that high until a decision `delay` later, so scale-ups pass at once and scale-downs
// wait.
#pragma once

#include <cstdint>
#include <deque>

#include "core/timefmt.h"

namespace userscale::kpa {

class MaxTimeWindow {
 public:
  // One slot per `granularity_seconds` (2 s, the decision tick); ceil(delay / granularity)
  // slots. `delay_seconds` > 0.
  MaxTimeWindow(std::int64_t delay_seconds, std::int64_t granularity_seconds);

  // Records `value` in the slot of `now` (slots must not go backwards).
  void record(Time now, std::int32_t value);

  // The largest value recorded within the last `size` slots; 0 before any record.
  std::int32_t current() const { return maxima_.empty() ? 0 : maxima_.front().value; }

  std::int64_t size() const { return size_; }
  std::int64_t slot_of(Time t) const;

 private:
  struct Entry {
    std::int64_t slot;
    std::int32_t value;
  };

  std::int64_t size_;
  std::int64_t granularity_;
  // Descending values, ascending slots: an entry that is both older and not larger than a
  // newer one can never be the maximum again, so it is dropped.
  std::deque<Entry> maxima_;
};

}  // namespace userscale::kpa
