#include "core/policies/kpa/max_time_window.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace userscale::kpa {

MaxTimeWindow::MaxTimeWindow(std::int64_t delay_seconds, std::int64_t granularity_seconds)
    : size_((delay_seconds + granularity_seconds - 1) / granularity_seconds),
      granularity_(granularity_seconds) {
  assert(delay_seconds > 0 && granularity_seconds > 0);
}

std::int64_t MaxTimeWindow::slot_of(Time t) const {
  const auto seconds = static_cast<std::int64_t>(std::floor(t));
  // Floor division, so that slots stay ordered before the origin too.
  return seconds >= 0 ? seconds / granularity_ : -((-seconds + granularity_ - 1) / granularity_);
}

void MaxTimeWindow::record(Time now, std::int32_t value) {
  const std::int64_t slot = slot_of(now);
  while (!maxima_.empty() && maxima_.back().value <= value) maxima_.pop_back();
  while (!maxima_.empty() && slot - maxima_.front().slot >= size_) maxima_.pop_front();
  if (!maxima_.empty() && maxima_.back().slot == slot) {
    // Two decisions in one slot: keep the larger.
    value = std::max(value, maxima_.back().value);
    maxima_.pop_back();
  }
  maxima_.push_back({slot, value});
}

}  // namespace userscale::kpa
