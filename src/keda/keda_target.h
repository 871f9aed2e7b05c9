// Which userscale target a KEDA ScaledObject follows: its trigger's metadata names it with
// `target: NAMESPACE/NAME`, or `target: NAME` in the ScaledObject's own namespace. Pure, so
// that the rules are tested without gRPC.
#pragma once

#include <map>
#include <string>

#include "core/result.h"

namespace userscale::keda {

// The metric KEDA asks for: the replicas userscale decided, against a target size of 1.
inline constexpr const char* kDesiredReplicasMetric = "desired-replicas";

// "namespace/name", or an error naming `scalerMetadata.target`.
Result<std::string> target_of(const std::string& scaled_object_namespace,
                              const std::map<std::string, std::string>& scaler_metadata);

// KEDA prefixes a trigger's metric with its index ("s0-desired-replicas") in the HPA and, in
// some versions, in GetMetrics too; both spellings name the one metric.
bool is_desired_replicas_metric(const std::string& metric_name);

}  // namespace userscale::keda
