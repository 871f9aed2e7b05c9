#include "core/policies/gpuaware/occupancy_tracker.h"

#include <set>

#include "core/policies/gpuaware/replica_load.h"

namespace userscale {

std::optional<double> OccupancyTracker::mean(const std::string& pod) const {
  auto it = seen_.find(pod);
  if (it == seen_.end()) return std::nullopt;
  return it->second.mean;
}

void OccupancyTracker::observe(const Observation& obs) {
  std::set<std::string> present;
  for (const PodInfo& pod : obs.pods) {
    const ServingSignals& s = pod.serving;
    const std::optional<double> now_inside = requests_inside(s);
    if (!now_inside) continue;
    present.insert(pod.name);
    const double inside = *now_inside;
    auto [it, added] = seen_.try_emplace(pod.name);
    Seen& seen = it->second;
    if (added) {
      // Little's mean, unless it makes this scrape improbable (a queue that built within the
      // window, requests longer than it): then the scrape.
      const double mean = little_occupancy(s).value_or(inside);
      seen.mean = improbable_occupancy(inside, mean) ? inside : mean;
      seen.mean = (1 - alpha_) * seen.mean + alpha_ * inside;
    } else if (!s.sample_time || s.sample_time != seen.sample_time) {
      seen.mean = (1 - alpha_) * seen.mean + alpha_ * inside;
    }
    seen.sample_time = s.sample_time;
  }
  std::erase_if(seen_, [&](const auto& kv) { return !present.count(kv.first); });
}

}  // namespace userscale
