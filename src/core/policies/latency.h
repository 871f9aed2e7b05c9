// Policy `latency`: the seed's latency-driven scaler for an inference server
// (seeds/003_a879be17052915e7.txt): every `period` (30 s) it takes the average request
// latency over the last `window` (1 min) and moves one replica at a time: up when the average
// is above `threshold_ms` (0.5 s), down when it is below `scale_down_below_ms`.
//
// Choices where the seed is silent:
//   * the scale-down level: the seed scales down "when latency improved" without a number;
//     250 ms (half the threshold) leaves a band, so that removing one replica does not put the
//     latency straight back above the threshold;
//   * the window average: every tick adds one sample, the request-weighted mean latency over
//     the serving pods (read_latency_ms); the average is the mean of the samples in the window
//     (avg_over_time). Idle ticks (no request served) add no sample; a window with no sample
//     and an idle service counts as latency 0, so an idle service sheds replicas;
//   * between evaluations the policy keeps the current count (the seed's script slept).
// A tick whose latency is unknown (missing or stale on every serving pod) decides nothing,
// like the seed's "average latency: nan ms -> No scaling action needed"; a partial reading may
// add a replica but never removes one.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "core/policies/policy_params.h"
#include "core/policy.h"
#include "core/result.h"

namespace userscale {

struct LatencyParams {
  double threshold_ms = 500;
  double scale_down_below_ms = 250;
  Duration window = 60;
  Duration period = 30;
  Duration staleness = 45;  // 3 sync periods of 15 s; parse_latency_params derives it
};

LatencyParams read_latency_params(ParamReader& reader, double sync_period_seconds);
Result<LatencyParams> parse_latency_params(const ParamMap& params, double sync_period_seconds);

class LatencyPolicy : public Policy {
 public:
  explicit LatencyPolicy(LatencyParams params) : params_(params) {}

  std::string name() const override { return "latency"; }
  Recommendation recommend(const Observation& obs) override;

  const LatencyParams& params() const { return params_; }

 private:
  struct Sample {
    Time time = 0;
    double latency_ms = 0;
  };

  LatencyParams params_;
  std::deque<Sample> window_;
  std::optional<Time> last_evaluation_;
};

}  // namespace userscale
