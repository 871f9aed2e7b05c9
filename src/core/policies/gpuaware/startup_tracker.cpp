#include "core/policies/gpuaware/startup_tracker.h"

#include <algorithm>
#include <set>

namespace userscale {
namespace {

constexpr double kDelayWeight = 0.5;

}  // namespace

void StartupTracker::observe(const ClusterView& view, Time now) {
  std::set<std::string> present;
  for (const ReplicaView& r : view.replicas) {
    present.insert(r.name);
    switch (r.state) {
      case ReplicaState::Pending:
        first_seen_.emplace(r.name, now);
        pending_since_.emplace(r.name, now);
        break;
      case ReplicaState::Starting: {
        auto [it, added] = first_seen_.emplace(r.name, now);
        if (r.start_time) it->second = std::min(it->second, *r.start_time);
        pending_since_.erase(r.name);
        break;
      }
      case ReplicaState::Serving: {
        pending_since_.erase(r.name);
        auto it = first_seen_.find(r.name);
        if (it == first_seen_.end()) break;
        const Time ready = r.ready_since.value_or(now);
        const Duration sample = std::max(0.0, ready - it->second);
        delay_ = delay_ ? kDelayWeight * sample + (1 - kDelayWeight) * *delay_ : sample;
        first_seen_.erase(it);
        break;
      }
      case ReplicaState::Leaving:
        first_seen_.erase(r.name);
        pending_since_.erase(r.name);
        break;
    }
  }
  std::erase_if(first_seen_, [&](const auto& kv) { return !present.count(kv.first); });
  std::erase_if(pending_since_, [&](const auto& kv) { return !present.count(kv.first); });
}

int StartupTracker::pending_longer_than(Duration age, Time now) const {
  int n = 0;
  for (const auto& [name, since] : pending_since_) n += now - since > age ? 1 : 0;
  return n;
}

Duration StartupTracker::oldest_pending(Time now) const {
  Duration oldest = 0;
  for (const auto& [name, since] : pending_since_) oldest = std::max(oldest, now - since);
  return oldest;
}

}  // namespace userscale
