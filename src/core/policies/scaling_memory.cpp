#include "core/policies/scaling_memory.h"

namespace userscale {
namespace {

ScaleDirection direction(std::int32_t from, std::int32_t to) {
  if (to > from) return ScaleDirection::Up;
  if (to < from) return ScaleDirection::Down;
  return ScaleDirection::None;
}

}  // namespace

void ScalingMemory::observe(Time now, std::int32_t current_replicas) {
  if (last_seen_ && current_replicas != *last_seen_) {
    const ScaleDirection dir = direction(*last_seen_, current_replicas);
    const bool ours = pending_ && direction(pending_->from, pending_->to) == dir;
    last_change_ = ours ? pending_->time : now;
    consecutive_ = dir == last_direction_ ? consecutive_ + 1 : 1;
    last_direction_ = dir;
  }
  last_seen_ = current_replicas;
  pending_.reset();
}

void ScalingMemory::proposed(Time now, std::int32_t from, std::int32_t to) {
  if (from != to) pending_ = Proposal{now, from, to};
}

std::optional<Duration> ScalingMemory::since_last_change(Time now) const {
  if (!last_change_) return std::nullopt;
  return now - *last_change_;
}

}  // namespace userscale
