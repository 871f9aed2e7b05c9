#include "core/policies/kpa/decider_spec.h"

#include <algorithm>
#include <cmath>

namespace userscale::kpa {

MetricTargetValues resolve_metric_target(const KpaKnobs& knobs) {
  double total = 0;
  if (knobs.metric == ScalingMetric::Rps) {
    total = knobs.requests_per_second_target_default;
  } else {
    total = knobs.container_concurrency != 0 ? knobs.container_concurrency
                                             : knobs.container_concurrency_target_default;
  }
  if (knobs.target) {
    total = *knobs.target;
    if (knobs.metric == ScalingMetric::Concurrency && knobs.container_concurrency != 0) {
      total = std::min(*knobs.target, static_cast<double>(knobs.container_concurrency));
    }
  }
  const double utilization = knobs.target_utilization_percentage / 100.0;
  return {std::max(kTargetMin, total * utilization), total};
}

std::int64_t panic_window_seconds(std::int64_t stable_window_seconds, double percentage) {
  // As Go computes it: a float in nanoseconds, truncated to a Duration, then Round(time.Second).
  constexpr std::int64_t kSecond = 1'000'000'000;
  const auto ns = static_cast<std::int64_t>(static_cast<double>(stable_window_seconds * kSecond) *
                                            percentage / 100.0);
  const std::int64_t rest = ns % kSecond;
  std::int64_t seconds = ns / kSecond;
  if (rest + rest >= kSecond) ++seconds;
  return std::max<std::int64_t>(seconds, 1);
}

DeciderSpec make_decider_spec(const KpaKnobs& knobs) {
  const MetricTargetValues t = resolve_metric_target(knobs);
  DeciderSpec s;
  s.metric = knobs.metric;
  s.target_value = t.target;
  s.total_value = t.total;
  s.target_burst_capacity = knobs.target_burst_capacity;
  s.panic_threshold = knobs.panic_threshold_percentage / 100.0;
  s.max_scale_up_rate = knobs.max_scale_up_rate;
  s.max_scale_down_rate = knobs.max_scale_down_rate;
  s.activator_capacity = knobs.activator_capacity;
  s.stable_window_seconds = knobs.stable_window_seconds;
  s.panic_window_seconds =
      panic_window_seconds(knobs.stable_window_seconds, knobs.panic_window_percentage);
  s.scale_down_delay_seconds = knobs.scale_down_delay_seconds;
  s.activation_scale = knobs.activation_scale;
  s.reachable = knobs.reachable;
  s.aggregation = knobs.aggregation;
  return s;
}

}  // namespace userscale::kpa
