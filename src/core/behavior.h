// The behavior layer: stabilization windows, rate-limit policies, selectPolicy and min/max,
// exactly as the HPA applies them (with and without autoscaling/v2 `behavior`). Separate from
// any policy, so that every policy can be bounded the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/autoscaler_spec.h"
#include "core/recommendation.h"
#include "core/timefmt.h"

namespace userscale {

struct TimedRecommendation {
  Time timestamp = 0;
  std::int32_t replicas = 0;
};

struct ScaleEvent {
  Time timestamp = 0;
  std::int32_t change = 0;  // always > 0; the direction is the list it is in
};

// The controller's memory for one target.
struct BehaviorState {
  // False until the first reconcile: then the history is seeded with the current count, which
  // holds scale-downs for one window (the HPA's recordInitialRecommendation).
  bool known = false;
  std::vector<TimedRecommendation> recommendations;
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

// `behavior` with the API defaults and the controller's downscale window filled in.
struct ResolvedRules {
  std::int32_t stabilization_window_seconds = 0;
  SelectPolicy select_policy = SelectPolicy::Max;
  std::vector<ScalingPolicy> policies;
  std::optional<double> tolerance;
};
struct ResolvedBehavior {
  ResolvedRules scale_up;
  ResolvedRules scale_down;
};
ResolvedBehavior resolve_behavior(const Behavior& behavior, const HpaSettings& settings);

struct BoundedReplicas {
  std::int32_t stabilized = 0;  // after the stabilization window(s)
  std::int32_t replicas = 0;    // after rate limits and min/max
  Condition able_to_scale;      // ReadyForNewScale / ScaleUpStabilized / ScaleDownStabilized
  Condition scaling_limited;    // DesiredWithinRange / TooFewReplicas / ... (status True if bound)
  std::string bound_by;         // the rule that changed the proposal, for the decision record
};

struct BehaviorInput {
  Time now = 0;
  std::int32_t current_replicas = 0;
  std::int32_t proposal = 0;
  std::int32_t min_replicas = 1;
  std::int32_t max_replicas = 1;
};

// The HPA without `behavior` (normalizeDesiredReplicas): highest proposal of the downscale
// window, then min/max and the max(2 x current, 4) scale-up limit. Records the proposal.
BoundedReplicas normalize_legacy(const BehaviorInput& in, const HpaSettings& settings,
                                 BehaviorState& state);

// The HPA with `behavior` (normalizeDesiredReplicasWithBehaviors). Records the proposal.
BoundedReplicas normalize_with_behavior(const BehaviorInput& in, const ResolvedBehavior& behavior,
                                        BehaviorState& state);

// Only min/max (for policies that smooth by themselves and have no `behavior`).
BoundedReplicas clamp_min_max(const BehaviorInput& in);

// After a rescale with `behavior` set: remembers the change for the rate limits
// (storeScaleEvent), reusing an entry older than the longest policy period.
void record_scale_event(const ResolvedBehavior& behavior, Time now, std::int32_t from,
                        std::int32_t to, BehaviorState& state);

}  // namespace userscale
