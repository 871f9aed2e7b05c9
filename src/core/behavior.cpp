#include "core/behavior.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace userscale {
namespace {

constexpr double kScaleUpLimitFactor = 2.0;
constexpr double kScaleUpLimitMinimum = 4.0;

Condition make(std::string type, bool status, std::string reason, std::string message) {
  return Condition{std::move(type), status ? "True" : "False", std::move(reason),
                   std::move(message)};
}

ResolvedRules resolve(const std::optional<ScalingRules>& given, ResolvedRules defaults) {
  if (!given) return defaults;
  if (given->stabilization_window_seconds)
    defaults.stabilization_window_seconds = *given->stabilization_window_seconds;
  if (given->select_policy) defaults.select_policy = *given->select_policy;
  if (given->policies) defaults.policies = *given->policies;
  defaults.tolerance = given->tolerance;
  return defaults;
}

// Replicas added (or removed) within the last `period` seconds.
std::int32_t change_in_period(std::int32_t period, const std::vector<ScaleEvent>& events,
                              Time now) {
  Time cutoff = now - period;
  std::int64_t sum = 0;
  for (const auto& e : events) {
    if (e.timestamp > cutoff) sum += e.change;
  }
  return static_cast<std::int32_t>(sum);
}

std::int32_t scale_up_limit(std::int32_t current, const BehaviorState& st,
                            const ResolvedRules& rules, Time now) {
  if (rules.select_policy == SelectPolicy::Disabled) return current;
  bool pick_min = rules.select_policy == SelectPolicy::Min;
  std::int64_t result = pick_min ? std::numeric_limits<std::int32_t>::max()
                                 : std::numeric_limits<std::int32_t>::min();
  for (const auto& p : rules.policies) {
    std::int64_t start = static_cast<std::int64_t>(current) -
                         change_in_period(p.period_seconds, st.scale_up_events, now) +
                         change_in_period(p.period_seconds, st.scale_down_events, now);
    std::int64_t proposed = p.type == ScalingPolicyType::Pods
                                ? start + p.value
                                : static_cast<std::int64_t>(std::ceil(static_cast<double>(start) *
                                                                      (1.0 + p.value / 100.0)));
    result = pick_min ? std::min(result, proposed) : std::max(result, proposed);
  }
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(
      result, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
}

std::int32_t scale_down_limit(std::int32_t current, const BehaviorState& st,
                              const ResolvedRules& rules, Time now) {
  if (rules.select_policy == SelectPolicy::Disabled) return current;
  bool pick_min_change = rules.select_policy == SelectPolicy::Min;
  std::int64_t result = pick_min_change ? std::numeric_limits<std::int32_t>::min()
                                        : std::numeric_limits<std::int32_t>::max();
  for (const auto& p : rules.policies) {
    std::int64_t start = static_cast<std::int64_t>(current) -
                         change_in_period(p.period_seconds, st.scale_up_events, now) +
                         change_in_period(p.period_seconds, st.scale_down_events, now);
    std::int64_t proposed =
        p.type == ScalingPolicyType::Pods
            ? start - p.value
            : static_cast<std::int64_t>(static_cast<double>(start) * (1.0 - p.value / 100.0));
    result = pick_min_change ? std::max(result, proposed) : std::min(result, proposed);
  }
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(
      result, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
}

}  // namespace

ResolvedBehavior resolve_behavior(const Behavior& behavior, const HpaSettings& settings) {
  ResolvedRules up;
  up.stabilization_window_seconds = 0;
  up.select_policy = SelectPolicy::Max;
  up.policies = {{ScalingPolicyType::Pods, 4, 15}, {ScalingPolicyType::Percent, 100, 15}};
  ResolvedRules down;
  down.stabilization_window_seconds =
      static_cast<std::int32_t>(settings.downscale_stabilization_window);
  down.select_policy = SelectPolicy::Max;
  down.policies = {{ScalingPolicyType::Percent, 100, 15}};
  return ResolvedBehavior{resolve(behavior.scale_up, up), resolve(behavior.scale_down, down)};
}

BoundedReplicas normalize_legacy(const BehaviorInput& in, const HpaSettings& settings,
                                 BehaviorState& state) {
  BoundedReplicas out;
  // stabilizeRecommendation: the highest proposal within the downscale window.
  Time cutoff = in.now - settings.downscale_stabilization_window;
  std::int32_t highest = in.proposal;
  bool found_old = false;
  std::size_t old_index = 0;
  for (std::size_t i = 0; i < state.recommendations.size(); ++i) {
    const auto& rec = state.recommendations[i];
    if (rec.timestamp < cutoff) {
      found_old = true;
      old_index = i;
    } else if (rec.replicas > highest) {
      highest = rec.replicas;
    }
  }
  if (found_old) {
    state.recommendations[old_index] = {in.now, in.proposal};
  } else {
    state.recommendations.push_back({in.now, in.proposal});
  }
  out.stabilized = highest;
  out.able_to_scale =
      highest != in.proposal
          ? make("AbleToScale", true, "ScaleDownStabilized",
                 "recent recommendations were higher than current one, applying the highest "
                 "recent recommendation")
          : make("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");

  // convertDesiredReplicasWithRules.
  auto up_limit = static_cast<std::int32_t>(
      std::max(kScaleUpLimitFactor * in.current_replicas, kScaleUpLimitMinimum));
  std::int32_t maximum;
  std::string limit_reason, limit_message;
  if (in.max_replicas > up_limit) {
    maximum = up_limit;
    limit_reason = "ScaleUpLimit";
    limit_message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximum = in.max_replicas;
    limit_reason = "TooManyReplicas";
    limit_message = "the desired replica count is more than the maximum replica count";
  }
  if (highest < in.min_replicas) {
    out.replicas = in.min_replicas;
    out.scaling_limited = make("ScalingLimited", true, "TooFewReplicas",
                               "the desired replica count is less than the minimum replica count");
  } else if (highest > maximum) {
    out.replicas = maximum;
    out.scaling_limited = make("ScalingLimited", true, limit_reason, limit_message);
  } else {
    out.replicas = highest;
    out.scaling_limited = make("ScalingLimited", false, "DesiredWithinRange",
                               "the desired count is within the acceptable range");
  }
  if (out.stabilized != in.proposal) out.bound_by = "downscale stabilization window";
  if (out.replicas != out.stabilized) out.bound_by = out.scaling_limited.reason;
  return out;
}

BoundedReplicas normalize_with_behavior(const BehaviorInput& in, const ResolvedBehavior& b,
                                        BehaviorState& state) {
  BoundedReplicas out;
  Time up_cutoff = in.now - b.scale_up.stabilization_window_seconds;
  Time down_cutoff = in.now - b.scale_down.stabilization_window_seconds;
  std::int32_t up_rec = in.proposal;
  std::int32_t down_rec = in.proposal;
  bool found_old = false;
  std::size_t old_index = 0;
  for (std::size_t i = 0; i < state.recommendations.size(); ++i) {
    const auto& rec = state.recommendations[i];
    if (rec.timestamp > up_cutoff) up_rec = std::min(rec.replicas, up_rec);
    if (rec.timestamp > down_cutoff) down_rec = std::max(rec.replicas, down_rec);
    if (rec.timestamp < up_cutoff && rec.timestamp < down_cutoff) {
      found_old = true;
      old_index = i;
    }
  }
  std::int32_t stabilized = std::min(std::max(in.current_replicas, up_rec), down_rec);
  if (found_old) {
    state.recommendations[old_index] = {in.now, in.proposal};
  } else {
    state.recommendations.push_back({in.now, in.proposal});
  }
  out.stabilized = stabilized;
  if (stabilized != in.proposal) {
    out.able_to_scale =
        in.proposal >= in.current_replicas
            ? make("AbleToScale", true, "ScaleUpStabilized",
                   "recent recommendations were lower than current one, applying the lowest "
                   "recent recommendation")
            : make("AbleToScale", true, "ScaleDownStabilized",
                   "recent recommendations were higher than current one, applying the highest "
                   "recent recommendation");
    out.bound_by = in.proposal >= in.current_replicas ? "scaleUp stabilization window"
                                                      : "scaleDown stabilization window";
  } else {
    out.able_to_scale =
        make("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");
  }

  // convertDesiredReplicasWithBehaviorRate.
  std::int32_t result = stabilized;
  Condition limited = make("ScalingLimited", false, "DesiredWithinRange",
                           "the desired count is within the acceptable range");
  if (stabilized > in.current_replicas) {
    std::int32_t limit = std::max(scale_up_limit(in.current_replicas, state, b.scale_up, in.now),
                                  in.current_replicas);
    std::int32_t maximum = in.max_replicas;
    std::string reason = "TooManyReplicas";
    std::string message = "the desired replica count is more than the maximum replica count";
    if (maximum > limit) {
      maximum = limit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    }
    if (stabilized > maximum) {
      result = maximum;
      limited = make("ScalingLimited", true, reason, message);
    }
  } else if (stabilized < in.current_replicas) {
    std::int32_t limit = std::min(
        scale_down_limit(in.current_replicas, state, b.scale_down, in.now), in.current_replicas);
    std::int32_t minimum = in.min_replicas;
    std::string reason = "TooFewReplicas";
    std::string message = "the desired replica count is less than the minimum replica count";
    if (minimum < limit) {
      minimum = limit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    }
    if (stabilized < minimum) {
      result = minimum;
      limited = make("ScalingLimited", true, reason, message);
    }
  }
  out.replicas = result;
  out.scaling_limited = limited;
  if (result != stabilized) out.bound_by = limited.reason;
  return out;
}

BoundedReplicas clamp_min_max(const BehaviorInput& in) {
  BoundedReplicas out;
  out.stabilized = in.proposal;
  out.able_to_scale =
      make("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");
  if (in.proposal < in.min_replicas) {
    out.replicas = in.min_replicas;
    out.scaling_limited = make("ScalingLimited", true, "TooFewReplicas",
                               "the desired replica count is less than the minimum replica count");
  } else if (in.proposal > in.max_replicas) {
    out.replicas = in.max_replicas;
    out.scaling_limited = make("ScalingLimited", true, "TooManyReplicas",
                               "the desired replica count is more than the maximum replica count");
  } else {
    out.replicas = in.proposal;
    out.scaling_limited = make("ScalingLimited", false, "DesiredWithinRange",
                               "the desired count is within the acceptable range");
  }
  if (out.replicas != in.proposal) out.bound_by = out.scaling_limited.reason;
  return out;
}

void record_scale_event(const ResolvedBehavior& b, Time now, std::int32_t from, std::int32_t to,
                        BehaviorState& state) {
  if (from == to) return;
  bool up = to > from;
  const auto& rules = up ? b.scale_up : b.scale_down;
  auto& events = up ? state.scale_up_events : state.scale_down_events;
  std::int32_t longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, p.period_seconds);
  Time cutoff = now - longest;
  ScaleEvent ev{now, up ? to - from : from - to};
  for (auto& e : events) {
    if (e.timestamp < cutoff) {
      e = ev;
      return;
    }
  }
  events.push_back(ev);
}

}  // namespace userscale
