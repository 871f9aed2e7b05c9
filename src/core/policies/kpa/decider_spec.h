// From knobs to what the decider works with: Knative's MakeDecider (kpa/resources/decider.go),
// ResolveMetricTarget (resources/target.go) and the panic window of MakeMetric
// (resources/metric.go); kpa-spec.md §3.
#pragma once

#include <cstdint>

#include "core/policies/kpa/knobs.h"

namespace userscale::kpa {

// autoscaling.TargetMin: the per-pod target never goes below this.
inline constexpr double kTargetMin = 0.01;
// scaling.tickInterval: the decider runs every 2 s; the delay window has one slot per tick.
inline constexpr std::int64_t kTickSeconds = 2;

struct DeciderSpec {
  ScalingMetric metric = ScalingMetric::Concurrency;
  double target_value = 70;  // per pod, what the decider divides the observed total by
  double total_value = 100;  // per pod at 100 %, for excess burst capacity
  double target_burst_capacity = 211;
  double panic_threshold = 2.0;  // a factor: dppc / pods >= this enters panic
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  double activator_capacity = 100;
  std::int64_t stable_window_seconds = 60;
  std::int64_t panic_window_seconds = 6;
  std::int64_t scale_down_delay_seconds = 0;
  std::int32_t activation_scale = 0;
  bool reachable = true;
  Aggregation aggregation = Aggregation::Linear;
};

struct MetricTargetValues {
  double target = 0;  // max(0.01, total x utilization)
  double total = 0;
};

// The per-pod total: rps -> requests-per-second-target-default; concurrency ->
// containerConcurrency when non-zero, else container-concurrency-target-default; the `target`
// annotation replaces it (capped by a non-zero containerConcurrency for concurrency).
MetricTargetValues resolve_metric_target(const KpaKnobs& knobs);

// stable x percentage / 100, rounded to the nearest second (halves up), at least 1 s.
std::int64_t panic_window_seconds(std::int64_t stable_window_seconds, double percentage);

DeciderSpec make_decider_spec(const KpaKnobs& knobs);

}  // namespace userscale::kpa
