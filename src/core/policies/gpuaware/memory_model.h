// GPU memory: how much one replica holds, and whether one more fits on a GPU.
//
// Time-slicing gives no memory isolation: a replica too many runs the whole card out of memory
// and the newest process dies. The scheduler does not look at GPU memory, so gpuaware must not
// ask for a replica that would land on a GPU where it does not fit.
//
// Footprint: replica_memory_bytes when configured; else learned as the largest share per pod
// seen on a GPU whose pods of ours all serve (memory_used_bytes / pods on it, other tenants'
// pods included), or the pod's own gpu_memory_used_bytes for a GPU the world does not list.
// The largest is kept: per-request memory comes and goes, a replica must fit at its peak.
//
// Fits: max(used, footprint x pods) + footprint x (k + 1) <= max_memory_fraction x total for
// the (k + 1)-th replica planned onto a GPU this tick. Unknown memory (no total, no fresh
// used, no footprint yet) fits: nothing says it does not.
#pragma once

#include <optional>

#include "core/policies/gpuaware/cluster_view.h"

namespace userscale {

class MemoryModel {
 public:
  MemoryModel(double configured_footprint, double max_fraction)
      : configured_(configured_footprint), max_fraction_(max_fraction) {}

  void observe(const ClusterView& view);

  std::optional<double> footprint() const;
  // Whether one more replica fits on `gpu` when `planned` were already planned onto it.
  bool fits(const GpuView& gpu, int planned) const;
  // A new GPU (a new node) of the largest memory seen.
  bool fits_new_gpu() const;

 private:
  double configured_;
  double max_fraction_;
  std::optional<double> learned_;
  std::optional<double> largest_total_;
};

}  // namespace userscale
