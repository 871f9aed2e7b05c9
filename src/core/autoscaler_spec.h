// The autoscaler's desired state: the spec of a GPUAutoscaler (an autoscaling/v2 HPA spec plus
// the policy selection), already validated. Parsing lives in src/config.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/labels.h"

namespace userscale {

enum class MetricSourceType { Resource, ContainerResource, Pods, Object, External, Unknown };
enum class MetricTargetType { Unset, Utilization, Value, AverageValue };

struct MetricTarget {
  MetricTargetType type = MetricTargetType::Unset;
  std::optional<std::int32_t> average_utilization;  // percent
  std::optional<std::int64_t> value_milli;
  std::optional<std::int64_t> average_value_milli;
};

struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string name;
};

struct MetricSpec {
  MetricSourceType type = MetricSourceType::Unknown;
  std::string type_name;  // as written, for messages about unknown types
  std::string name;       // resource name (Resource, ContainerResource) or metric name
  std::string container;  // ContainerResource only
  std::optional<LabelSelector> selector;  // metric.selector (Pods, Object, External)
  ObjectReference described_object;       // Object only
  MetricTarget target;
};

enum class ScalingPolicyType { Pods, Percent };
enum class SelectPolicy { Max, Min, Disabled };

struct ScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::Pods;
  std::int32_t value = 0;
  std::int32_t period_seconds = 15;
};

// One direction of autoscaling/v2 `behavior`, as written (unset fields stay unset; the
// defaults are applied by resolve_behavior in core/behavior.h).
struct ScalingRules {
  std::optional<std::int32_t> stabilization_window_seconds;
  std::optional<SelectPolicy> select_policy;
  std::optional<std::vector<ScalingPolicy>> policies;
  std::optional<double> tolerance;
};

struct Behavior {
  std::optional<ScalingRules> scale_up;
  std::optional<ScalingRules> scale_down;
};

// Which policy decides, and its own parameters as text (each policy parses and validates its
// parameters itself, so that this type stays closed).
struct PolicyRef {
  std::string name = "hpa";
  std::map<std::string, std::string> params;
};

struct AutoscalerSpec {
  ObjectReference scale_target_ref;
  std::optional<std::int32_t> min_replicas;  // absent means 1
  std::int32_t max_replicas = 1;
  std::vector<MetricSpec> metrics;
  std::optional<Behavior> behavior;  // absent: the HPA's legacy normalization
  PolicyRef policy;
  double sync_period_seconds = 15.0;

  std::int32_t effective_min_replicas() const { return min_replicas.value_or(1); }
};

// kube-controller-manager settings that shape the HPA's arithmetic.
struct HpaSettings {
  double tolerance = 0.1;
  double cpu_initialization_period = 300.0;
  double initial_readiness_delay = 30.0;
  double downscale_stabilization_window = 300.0;
};

}  // namespace userscale
