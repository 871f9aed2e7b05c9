#include "core/policies/gpuaware/slice_tracker.h"

#include <algorithm>

namespace userscale {

void SliceTracker::observe(const ClusterView& view, bool unschedulable) {
  std::map<std::string, int> fullest;
  for (const GpuView& g : view.gpus) {
    if (!g.listed) continue;
    int& most = fullest[gpu_class(g)];
    most = std::max(most, g.pods());
  }
  for (const auto& [cls, most] : fullest) {
    int& seen = most_seen_[cls];
    seen = std::max(seen, most);
    auto it = learned_.find(cls);
    if (it != learned_.end()) {
      it->second = std::max(it->second, most);
    } else if (unschedulable && most > 0) {
      learned_[cls] = most;
    }
  }
}

std::optional<int> SliceTracker::slices(const GpuView& gpu) const {
  if (configured_ > 0) return configured_;
  auto it = learned_.find(gpu_class(gpu));
  if (it == learned_.end()) return std::nullopt;
  return it->second;
}

bool SliceTracker::shares(const GpuView& gpu) const {
  if (configured_ > 0) return configured_ > 1;
  auto it = most_seen_.find(gpu_class(gpu));
  return it != most_seen_.end() && it->second > 1;
}

bool SliceTracker::may_take(const GpuView& gpu, int pods) const {
  if (!gpu.listed) return false;
  const std::optional<int> n = slices(gpu);
  return !n || pods < *n;
}

}  // namespace userscale
