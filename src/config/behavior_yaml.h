// Reads autoscaling/v2 `spec.behavior` (scaleUp and scaleDown scaling rules) with the
// Kubernetes API's limits: stabilization windows 0..3600 s, policy periods 1..1800 s, policy
// values > 0, a non-empty policy list when one is given, tolerance >= 0.
#pragma once

#include <string>

#include "config/yaml_field_reader.h"
#include "core/autoscaler_spec.h"

namespace userscale {

inline constexpr std::int32_t kMaxStabilizationWindowSeconds = 3600;
inline constexpr std::int32_t kMaxPolicyPeriodSeconds = 1800;

Behavior read_behavior(const YAML::Node& node, const std::string& path, ErrorList& errors);

}  // namespace userscale
