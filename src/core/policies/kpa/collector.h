// The per-revision metric collection (metrics/collector.go `collection`): every revision-wide
// stat goes into a stable and a panic window of each metric; the decider reads the averages of
// the configured metric (kpa-spec.md §4.1, §4.4).
#pragma once

#include <optional>

#include "core/policies/kpa/averaging_window.h"
#include "core/policies/kpa/decider.h"
#include "core/policies/kpa/decider_spec.h"

namespace userscale::kpa {

// One revision-wide stat, net of what the activator already counted.
struct RevisionStat {
  double concurrency = 0;  // average concurrent requests
  double rps = 0;          // requests in that second
};

class MetricCollector {
 public:
  explicit MetricCollector(const DeciderSpec& spec);

  // Both values go into both windows of their metric; stats of one second add up.
  void record(Time t, const RevisionStat& stat);
  // Only one metric, when the other was not observed.
  void record(Time t, ScalingMetric metric, double value);

  // The averages at `now`; nullopt (upstream ErrNoData) when the stable window is empty and
  // the revision has a scrape target, i.e. target-burst-capacity is not -1.
  std::optional<StableAndPanic> stable_and_panic(ScalingMetric metric, Time now,
                                                 bool has_scrape_target) const;

 private:
  AveragingWindow concurrency_stable_;
  AveragingWindow concurrency_panic_;
  AveragingWindow rps_stable_;
  AveragingWindow rps_panic_;
};

}  // namespace userscale::kpa
