// Policy `gpuaware`: userscale's own. It sizes a GPU service for a latency SLO from the
// arrival rate and the capacity it measures, counting only capacity that adds throughput.
// docs/gpuaware.md has the model; in short, every tick:
//
//   1. picture the replicas by GPU (cluster_view.h) and learn: replica and GPU capacity and
//      saturation (capacity_tracker.h), provisioning delay and unscheduled pods
//      (startup_tracker.h), slices per GPU (slice_tracker.h), placement
//      (placement_tracker.h), GPU memory per replica (memory_model.h);
//   2. forecast the arrival rate one provisioning delay ahead (holt_forecast.h), never below
//      the rate now; add headroom and the rate that drains the queued backlog;
//   3. size: the replicas of mu_s that keep P(wait > SLO - service time) within 1 - percentile
//      (queueing.h), as a capacity in requests/s;
//   4. compare with the usable capacity, on the way included (capacity_plan.h): add replicas
//      that land on capacity that adds throughput, and say why when none does; or, on fresh
//      and complete metrics only, remove replicas: at once those that add nothing, the others
//      only while the need stays below scale_down_band of what is left, after the cool-down,
//      and no lower than the highest recommendation of the cool-down window. When nothing can
//      be added and a busy shared GPU holds a replica that was never judged, one replica is
//      released to measure what it added.
// Missing arrival data, or no capacity estimate under load, holds the count (valid = false).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "core/policies/gpuaware/capacity_plan.h"
#include "core/policies/gpuaware/capacity_tracker.h"
#include "core/policies/gpuaware/cluster_view.h"
#include "core/policies/gpuaware/decision_text.h"
#include "core/policies/gpuaware/gpuaware_params.h"
#include "core/policies/gpuaware/holt_forecast.h"
#include "core/policies/gpuaware/memory_model.h"
#include "core/policies/gpuaware/occupancy_tracker.h"
#include "core/policies/gpuaware/placement_tracker.h"
#include "core/policies/gpuaware/slice_tracker.h"
#include "core/policies/gpuaware/startup_tracker.h"
#include "core/policies/scaling_memory.h"
#include "core/policy.h"

namespace userscale {

// Before any replica has been seen starting: the forecast horizon.
inline constexpr Duration kDefaultProvisioningDelay = 30;

class GpuAwarePolicy : public Policy {
 public:
  explicit GpuAwarePolicy(GpuAwareParams params);

  std::string name() const override { return "gpuaware"; }
  Recommendation recommend(const Observation& obs) override;

  const GpuAwareParams& params() const { return p_; }

 private:
  // One tick's facts, for the two directions of the decision.
  struct Tick {
    Time now;
    std::int32_t current;
    const ClusterView& view;
    CapacityPlan& plan;
    double need;       // requests/s
    double need_down;  // requests/s that a smaller count must still provide (the band)
    double rate;       // mu_s
    double tolerance;  // requests/s: a gap this small between need and usable moves nothing
    int free;          // replicas first in the deletion order that add nothing
    std::string doubt;
    int stuck;  // pods unscheduled past the supply timeout
    std::optional<Duration> since_change;
    int on_the_way;
    DecisionNumbers numbers;
  };
  struct Outcome {
    std::int32_t desired = 0;
    std::string reason;
    bool hold_on_doubt = false;  // a scale-down this tick's data may not carry
  };
  Outcome scale_up(Tick& t);
  Outcome scale_down(Tick& t);
  std::int32_t windowed_target(Time now, std::int32_t target);
  // The GPU the ReplicaSet would release a replica from, when releasing it would measure a
  // replica that was never judged (capacity_tracker.h).
  const GpuView* unjudged_gpu(const ClusterView& view, const CapacityPlan& plan, Time now) const;

  GpuAwareParams p_;
  HoltForecaster forecast_;
  CapacityTracker capacity_;
  OccupancyTracker occupancy_;
  StartupTracker startup_;
  SliceTracker slices_;
  PlacementTracker placement_;
  MemoryModel memory_;
  ScalingMemory scaling_;
  std::deque<std::pair<Time, std::int32_t>> targets_;  // recent recommendations
  std::optional<Time> started_;                        // the first tick
};

}  // namespace userscale
