// Where the scheduler puts a new replica: on the GPU with the most pods that still has a free
// slice (packed, bin-packing) or on the one with the fewest (spread). gpuaware cannot choose;
// it predicts, to know whether the next replica adds capacity or lands on a saturated GPU.
//
// Configured, or learned (`auto`) from each replica seen landing on a GPU: if another GPU that
// could take it held fewer pods and none held more, the scheduler packs; the reverse, it
// spreads; anything else (ties, both) says nothing. Until a landing has been seen, `auto`
// assumes spread: if the scheduler packs instead, the first replica that lands on a saturated
// GPU says so, and the replica that added nothing is released (docs/gpuaware.md).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/policies/gpuaware/cluster_view.h"
#include "core/policies/gpuaware/gpuaware_params.h"
#include "core/policies/gpuaware/slice_tracker.h"

namespace userscale {

enum class Placement { Packed, Spread };

class PlacementTracker {
 public:
  explicit PlacementTracker(PlacementParam configured) : configured_(configured) {}

  void observe(const ClusterView& view, const SliceTracker& slices);

  Placement belief() const;
  // Configured, or learned from a landing.
  bool known() const { return configured_ != PlacementParam::Auto || learned_.has_value(); }

 private:
  PlacementParam configured_;
  std::optional<Placement> learned_;
  std::vector<GpuView> previous_;  // the listed GPUs at the previous tick
  std::set<std::string> placed_;   // our replicas that were on a listed GPU then
  bool has_previous_ = false;
};

}  // namespace userscale
