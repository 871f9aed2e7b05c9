#include "core/policies/gpuaware/placement_tracker.h"

namespace userscale {

Placement PlacementTracker::belief() const {
  switch (configured_) {
    case PlacementParam::Packed:
      return Placement::Packed;
    case PlacementParam::Spread:
      return Placement::Spread;
    case PlacementParam::Auto:
      break;
  }
  return learned_.value_or(Placement::Spread);
}

void PlacementTracker::observe(const ClusterView& view, const SliceTracker& slices) {
  if (has_previous_) {
    std::map<std::string, int> pods;  // as the scheduler saw them, landing by landing
    for (const GpuView& g : previous_) pods[g.key] = g.pods();
    for (const ReplicaView& r : view.replicas) {
      if (r.state != ReplicaState::Serving && r.state != ReplicaState::Starting) continue;
      if (r.gpu.empty() || placed_.count(r.name)) continue;
      auto landed = pods.find(r.gpu);
      if (landed == pods.end()) continue;  // a GPU not seen before: a new node says nothing
      bool emptier = false, fuller = false;
      for (const GpuView& g : previous_) {
        if (g.key == r.gpu || !slices.may_take(g, pods[g.key])) continue;
        emptier = emptier || pods[g.key] < landed->second;
        fuller = fuller || pods[g.key] > landed->second;
      }
      if (emptier && !fuller) learned_ = Placement::Packed;
      if (fuller && !emptier) learned_ = Placement::Spread;
      ++landed->second;
    }
  }
  previous_.clear();
  placed_.clear();
  for (const GpuView& g : view.gpus) {
    if (g.listed) previous_.push_back(g);
  }
  for (const ReplicaView& r : view.replicas) {
    const GpuView* g = r.gpu.empty() ? nullptr : view.gpu(r.gpu);
    if (g && g->listed && r.state != ReplicaState::Pending) placed_.insert(r.name);
  }
  has_previous_ = true;
}

}  // namespace userscale
