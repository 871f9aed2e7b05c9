// The HPA's replica calculator (upstream replica_calculator.go): the arithmetic of one metric,
// apart from the loop that combines metrics and applies behavior.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/autoscaler_spec.h"
#include "core/observation.h"
#include "core/recommendation.h"
#include "core/result.h"

namespace userscale::hpa {

// A ratio within [1 - down, 1 + up] changes nothing.
struct Tolerances {
  double down = 0.1;
  double up = 0.1;
  bool within(double ratio) const { return (1.0 - down) <= ratio && ratio <= (1.0 + up); }
};
Tolerances tolerances_for(const AutoscalerSpec& spec, const HpaSettings& settings);

struct PodSample {
  std::int64_t value_milli = 0;
  Time timestamp = 0;
  Duration window = 0;
};
using PodSamples = std::map<std::string, PodSample>;

// groupPods: how each pod counts for a per-pod metric.
struct PodGroups {
  int ready_count = 0;
  std::set<std::string> unready;
  std::set<std::string> missing;
  std::set<std::string> ignored;
};
PodGroups group_pods(const Observation& obs, const PodSamples& samples, bool is_cpu,
                     const HpaSettings& settings);

struct MetricReplicas {
  std::int32_t replicas = 0;
  double usage_ratio = 0.0;
  MetricCurrent current;
};

// Resource / ContainerResource with a Utilization target.
Result<MetricReplicas> resource_utilization_replicas(const Observation& obs,
                                                     std::int32_t current_replicas,
                                                     std::int32_t target_utilization,
                                                     const std::string& resource,
                                                     const std::string& container,
                                                     const HpaSettings& settings, Tolerances tol);

// Resource / ContainerResource with an AverageValue target.
Result<MetricReplicas> resource_average_value_replicas(const Observation& obs,
                                                       std::int32_t current_replicas,
                                                       std::int64_t target_milli,
                                                       const std::string& resource,
                                                       const std::string& container,
                                                       const HpaSettings& settings, Tolerances tol);

// Pods metrics (custom.metrics.k8s.io, one value per pod) with an AverageValue target.
Result<MetricReplicas> pods_metric_replicas(const Observation& obs, std::int32_t current_replicas,
                                            const MetricSpec& metric, const HpaSettings& settings,
                                            Tolerances tol);

// Object metrics: Value target (uses ready pods) or AverageValue (uses status.replicas).
Result<MetricReplicas> object_metric_replicas(const Observation& obs, std::int32_t current_replicas,
                                              const MetricSpec& metric, Tolerances tol);

// External metrics: the sum of the matching series; Value or AverageValue target.
Result<MetricReplicas> external_metric_replicas(const Observation& obs,
                                                std::int32_t current_replicas,
                                                const MetricSpec& metric, Tolerances tol);

}  // namespace userscale::hpa
