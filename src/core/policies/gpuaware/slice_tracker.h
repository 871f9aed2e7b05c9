// How many pods the scheduler fits on one GPU: the time slices (or MPS clients) the device
// plugin advertises per GPU, 1 for exclusive GPUs.
//
// Configured (slices_per_gpu), or learned per GPU class (cluster_view.h):
//   * a pod of ours left unscheduled past the grace says every GPU is full as it stands: the
//     class fits as many pods as its fullest GPU holds;
//   * a GPU seen holding more pods than that raises it (the earlier pending pod waited for
//     something else).
// Until either happens the count is unknown, and a GPU may take one more pod. Whether the
// scheduler shares GPUs at all is known once a GPU is seen holding two pods.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/policies/gpuaware/cluster_view.h"

namespace userscale {

class SliceTracker {
 public:
  explicit SliceTracker(std::int32_t configured) : configured_(configured) {}

  // `unschedulable`: a pod of ours has waited past the grace for a slice.
  void observe(const ClusterView& view, bool unschedulable);

  std::optional<int> slices(const GpuView& gpu) const;
  // A GPU of this class has been seen holding more than one pod, or more slices are
  // configured: the scheduler shares these GPUs.
  bool shares(const GpuView& gpu) const;
  // Whether the scheduler may place another pod on `gpu` once it holds `pods` pods.
  bool may_take(const GpuView& gpu, int pods) const;

 private:
  std::int32_t configured_;
  std::map<std::string, int> learned_;
  std::map<std::string, int> most_seen_;  // most pods seen on one GPU, by class
};

}  // namespace userscale
