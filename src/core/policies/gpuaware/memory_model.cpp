#include "core/policies/gpuaware/memory_model.h"

#include <algorithm>

namespace userscale {

void MemoryModel::observe(const ClusterView& view) {
  for (const GpuView& g : view.gpus) {
    if (g.memory_total_bytes) {
      largest_total_ = std::max(largest_total_.value_or(0.0), *g.memory_total_bytes);
    }
    if (!g.memory_used_bytes || g.serving.empty() || !g.starting.empty()) continue;
    const double per_pod = *g.memory_used_bytes / std::max(1, g.pods());
    learned_ = std::max(learned_.value_or(0.0), per_pod);
  }
}

std::optional<double> MemoryModel::footprint() const {
  if (configured_ > 0) return configured_;
  return learned_;
}

bool MemoryModel::fits(const GpuView& gpu, int planned) const {
  const std::optional<double> f = footprint();
  if (!f || !gpu.memory_total_bytes) return true;
  const double used = std::max(gpu.memory_used_bytes.value_or(0.0), *f * gpu.pods());
  return used + *f * (planned + 1) <= max_fraction_ * *gpu.memory_total_bytes;
}

bool MemoryModel::fits_new_gpu() const {
  const std::optional<double> f = footprint();
  return !f || !largest_total_ || *f <= max_fraction_ * *largest_total_;
}

}  // namespace userscale
