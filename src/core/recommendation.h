// What a policy says, and what the decision finally was, with every reason kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace userscale {

// A status condition, HPA style (type AbleToScale / ScalingActive / ScalingLimited).
struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
};

// The current value of a metric as the HPA would write it to status.currentMetrics.
struct MetricCurrent {
  std::optional<std::int32_t> average_utilization;
  std::optional<std::int64_t> average_value_milli;
  std::optional<std::int64_t> value_milli;
};

// One signal's proposal ("each metric's share" of the decision).
struct MetricProposal {
  std::string name;
  std::optional<double> value;   // the observed value, in the signal's unit
  std::optional<double> target;  // the target it was compared to
  std::optional<double> usage_ratio;
  std::optional<std::int32_t> proposed_replicas;
  MetricCurrent current;
  std::optional<std::string> error;  // set when the signal could not be evaluated
  std::string error_reason;          // condition reason for the error (HPA)
};

struct Recommendation {
  // False when the policy cannot decide this tick (all signals failed, or some failed and
  // the rest would scale down): the current count is kept. Doubt never scales down.
  bool valid = true;
  std::int32_t desired_replicas = 0;
  std::string reason;  // one human line: why this count
  std::vector<MetricProposal> metrics;
  // The ScalingActive condition this evaluation implies (HPA semantics).
  std::optional<Condition> scaling_active;
};

}  // namespace userscale
