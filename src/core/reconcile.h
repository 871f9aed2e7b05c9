// One reconcile of one target: the HPA controller's reconcileAutoscaler, made generic over the
// policy. Order: the min/max shortcuts, the policy's proposal, the behavior layer, the verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/autoscaler_spec.h"
#include "core/behavior.h"
#include "core/observation.h"
#include "core/policy.h"
#include "core/recommendation.h"

namespace userscale {

struct Decision {
  Time now = 0;
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;  // what the target should have after this tick
  bool rescale = false;
  bool metrics_evaluated = false;  // false when a shortcut decided without reading metrics
  Recommendation recommendation;   // the policy's proposal (when evaluated)
  std::optional<std::int32_t> stabilized_replicas;
  std::string bound_by;               // the rule that changed the proposal, empty when none did
  std::string reason;                 // why the count changed, or why it did not
  std::vector<Condition> conditions;  // in the order AbleToScale, ScalingActive, ScalingLimited
};

Decision reconcile(Policy& policy, const AutoscalerSpec& spec, const HpaSettings& settings,
                   BehaviorState& state, const Observation& obs);

}  // namespace userscale
