#include "config/behavior_yaml.h"

#include <array>

namespace userscale {
namespace {

std::string range_message(std::int32_t lo, std::int32_t hi, std::int32_t got) {
  return "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
         std::to_string(got);
}

std::optional<ScalingPolicy> read_policy(const YAML::Node& node, const std::string& path,
                                         ErrorList& errors) {
  static const std::vector<std::string_view> kTypeNames = {"Pods", "Percent"};
  static constexpr std::array kTypes = {ScalingPolicyType::Pods, ScalingPolicyType::Percent};
  MapReader r(node, path, {"type", "value", "periodSeconds"}, errors);
  std::size_t errors_before = errors.size();
  ScalingPolicy policy;
  if (auto type = r.enumeration("type", kTypeNames, Need::kRequired)) policy.type = kTypes[*type];
  if (auto value = r.int32("value", Need::kRequired)) {
    if (*value <= 0) r.add_error("value", "must be > 0, got " + std::to_string(*value));
    policy.value = *value;
  }
  if (auto period = r.int32("periodSeconds", Need::kRequired)) {
    if (*period < 1 || *period > kMaxPolicyPeriodSeconds) {
      r.add_error("periodSeconds", range_message(1, kMaxPolicyPeriodSeconds, *period));
    }
    policy.period_seconds = *period;
  }
  if (errors.size() != errors_before) return std::nullopt;
  return policy;
}

ScalingRules read_rules(const YAML::Node& node, const std::string& path, ErrorList& errors) {
  static const std::vector<std::string_view> kSelectNames = {"Max", "Min", "Disabled"};
  static constexpr std::array kSelect = {SelectPolicy::Max, SelectPolicy::Min,
                                         SelectPolicy::Disabled};
  MapReader r(node, path, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"},
              errors);
  ScalingRules rules;
  if (auto window = r.int32("stabilizationWindowSeconds")) {
    if (*window < 0 || *window > kMaxStabilizationWindowSeconds) {
      r.add_error("stabilizationWindowSeconds",
                  range_message(0, kMaxStabilizationWindowSeconds, *window));
    } else {
      rules.stabilization_window_seconds = *window;
    }
  }
  if (auto select = r.enumeration("selectPolicy", kSelectNames)) {
    rules.select_policy = kSelect[*select];
  }
  if (auto policies = r.list("policies")) {
    if (policies->size() == 0) {
      r.add_error("policies", "must not be empty (leave it out to use the default policies)");
    }
    std::vector<ScalingPolicy> parsed;
    for (std::size_t i = 0; i < policies->size(); ++i) {
      auto policy = read_policy((*policies)[i], item_path(r.path_of("policies"), i), errors);
      if (policy) parsed.push_back(*policy);
    }
    rules.policies = std::move(parsed);
  }
  if (auto tolerance = r.quantity("tolerance")) {
    if (tolerance->parsed.approx < 0.0) {
      r.add_error("tolerance", "must be >= 0, got " + tolerance->text);
    } else {
      rules.tolerance = tolerance->parsed.approx;
    }
  }
  return rules;
}

}  // namespace

Behavior read_behavior(const YAML::Node& node, const std::string& path, ErrorList& errors) {
  MapReader r(node, path, {"scaleUp", "scaleDown"}, errors);
  Behavior behavior;
  if (auto up = r.node("scaleUp"))
    behavior.scale_up = read_rules(*up, r.path_of("scaleUp"), errors);
  if (auto down = r.node("scaleDown")) {
    behavior.scale_down = read_rules(*down, r.path_of("scaleDown"), errors);
  }
  return behavior;
}

}  // namespace userscale
