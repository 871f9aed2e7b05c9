#include "core/reconcile.h"

#include <algorithm>
#include <map>

namespace userscale {
namespace {

// Keeps the last write of each condition type, listed in the HPA's order.
class ConditionSet {
 public:
  void set(Condition c) { by_type_[c.type] = std::move(c); }
  std::vector<Condition> list() const {
    std::vector<Condition> out;
    for (const char* type : {"AbleToScale", "ScalingActive", "ScalingLimited"}) {
      auto it = by_type_.find(type);
      if (it != by_type_.end()) out.push_back(it->second);
    }
    return out;
  }

 private:
  std::map<std::string, Condition> by_type_;
};

Condition condition(const char* type, bool status, std::string reason, std::string message) {
  return Condition{type, status ? "True" : "False", std::move(reason), std::move(message)};
}

}  // namespace

Decision reconcile(Policy& policy, const AutoscalerSpec& spec, const HpaSettings& settings,
                   BehaviorState& state, const Observation& obs) {
  Decision d;
  d.now = obs.now;
  ConditionSet conds;
  conds.set(condition("AbleToScale", true, "SucceededGetScale",
                      "the HPA controller was able to get the target's current scale"));
  const std::int32_t current = obs.scale.spec_replicas;
  d.current_replicas = current;
  if (!state.known) {  // recordInitialRecommendation
    state.known = true;
    if (state.recommendations.empty()) state.recommendations.push_back({obs.now, current});
  }
  const std::int32_t min_replicas = spec.effective_min_replicas();
  std::int32_t desired = 0;
  bool rescale = true;

  if (current == 0 && min_replicas != 0) {
    rescale = false;
    conds.set(condition("ScalingActive", false, "ScalingDisabled",
                        "scaling is disabled since the replica count of the target is zero"));
    d.reason = "scaling disabled: the target has 0 replicas and minReplicas is not 0";
  } else if (current > spec.max_replicas) {
    desired = spec.max_replicas;
    d.reason = "current number of replicas above maxReplicas";
    d.bound_by = "maxReplicas";
  } else if (current < min_replicas) {
    desired = min_replicas;
    d.reason = "current number of replicas below minReplicas";
    d.bound_by = "minReplicas";
  } else {
    d.metrics_evaluated = true;
    d.recommendation = policy.recommend(obs);
    const Recommendation& rec = d.recommendation;
    if (rec.scaling_active) conds.set(*rec.scaling_active);
    if (!rec.valid) {
      d.desired_replicas = current;
      d.rescale = false;
      d.reason = rec.reason.empty() ? "no valid proposal: keeping the current count" : rec.reason;
      d.conditions = conds.list();
      return d;
    }
    desired = std::max(desired, rec.desired_replicas);
    if (desired > current) {
      d.reason = rec.reason.empty() ? "above target" : rec.reason;
    } else if (desired < current) {
      d.reason = rec.reason.empty() ? "all metrics below target" : rec.reason;
    } else {
      d.reason = rec.reason;
    }
    BehaviorInput in{obs.now, current, desired, min_replicas, spec.max_replicas};
    BoundedReplicas bounded;
    if (spec.behavior) {
      bounded = normalize_with_behavior(in, resolve_behavior(*spec.behavior, settings), state);
    } else if (policy.uses_hpa_legacy_normalization()) {
      bounded = normalize_legacy(in, settings, state);
    } else {
      bounded = clamp_min_max(in);
    }
    conds.set(bounded.able_to_scale);
    conds.set(bounded.scaling_limited);
    d.stabilized_replicas = bounded.stabilized;
    d.bound_by = bounded.bound_by;
    desired = bounded.replicas;
    rescale = desired != current;
  }

  if (rescale) {
    conds.set(condition(
        "AbleToScale", true, "SucceededRescale",
        "the HPA controller was able to update the target scale to " + std::to_string(desired)));
    if (spec.behavior) {
      record_scale_event(resolve_behavior(*spec.behavior, settings), obs.now, current, desired,
                         state);
    }
  } else {
    desired = current;
  }
  d.desired_replicas = desired;
  d.rescale = rescale;
  d.conditions = conds.list();
  return d;
}

}  // namespace userscale
