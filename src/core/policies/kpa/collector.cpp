#include "core/policies/kpa/collector.h"

namespace userscale::kpa {

MetricCollector::MetricCollector(const DeciderSpec& spec)
    : concurrency_stable_(spec.stable_window_seconds, spec.aggregation),
      concurrency_panic_(spec.panic_window_seconds, spec.aggregation),
      rps_stable_(spec.stable_window_seconds, spec.aggregation),
      rps_panic_(spec.panic_window_seconds, spec.aggregation) {}

void MetricCollector::record(Time t, const RevisionStat& stat) {
  record(t, ScalingMetric::Concurrency, stat.concurrency);
  record(t, ScalingMetric::Rps, stat.rps);
}

void MetricCollector::record(Time t, ScalingMetric metric, double value) {
  if (metric == ScalingMetric::Rps) {
    rps_stable_.record(t, value);
    rps_panic_.record(t, value);
  } else {
    concurrency_stable_.record(t, value);
    concurrency_panic_.record(t, value);
  }
}

std::optional<StableAndPanic> MetricCollector::stable_and_panic(ScalingMetric metric, Time now,
                                                                bool has_scrape_target) const {
  const AveragingWindow& stable = metric == ScalingMetric::Rps ? rps_stable_ : concurrency_stable_;
  const AveragingWindow& panic = metric == ScalingMetric::Rps ? rps_panic_ : concurrency_panic_;
  if (stable.is_empty(now) && has_scrape_target) return std::nullopt;
  return StableAndPanic{stable.window_average(now), panic.window_average(now)};
}

}  // namespace userscale::kpa
