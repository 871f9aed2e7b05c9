// Policy `ewma`: the seeds' user + CPU/GPU/latency scaler with EWMA smoothing
// (seeds/001_401f70a010e011d3.txt, seeds/002_1bd5a41112bdba2d.txt).
//
// Every tick, for each enabled signal:
//   * read it over the serving pods (core/policies/policy_signals.h): users = mean
//     concurrent_users per pod x serving pods; CPU = mean cpu_utilization (% of request);
//     GPU = mean utilization over the physical GPUs the serving pods use; latency = request-
//     weighted mean latency (ms);
//   * smooth it: s = alpha * x + (1 - alpha) * s_prev (the first sample, or the first after
//     `staleness` without one, starts the average at x);
//   * propose a count: users: ceil(users / users_target_per_pod) (seed 002: PodsRequired =
//     ceil(CurrentUsers x PerUserUsage / PerPodCapacity), with PerPodCapacity / PerUserUsage =
//     users_target_per_pod); CPU, GPU, latency: ceil(replicas x value / target) above target
//     or below the lower band, the current count in between.
// desired = the largest proposal (seed 001: max(desired_users, desired_cpu, ...)). Scale in
// only when every enabled signal is known, complete and under its lower band (lower_band x
// target; users per pod for users); a signal unknown this tick never lets it scale in.
//
// Then, in order: the cooldown (cooldown_period since the last change, either direction), the
// consecutive limit, and the step limits (at most scale_up_step more or scale_down_step fewer
// replicas per change; a larger wish is clamped, not dropped).
//
// The consecutive limit: after max_consecutive changes in one direction, a further change in
// that direction waits until the run ends. The seed names the limit, not its reset; here a
// run ends when (1) the replicas change in the other direction, (2) a tick finds no scaling
// needed (the load was met), or (3) consecutive_reset seconds pass without a change.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/policies/policy_params.h"
#include "core/policies/scaling_memory.h"
#include "core/policy.h"
#include "core/result.h"

namespace userscale {

struct EwmaParams {
  double alpha = 0.6;
  double users_target_per_pod = 10;
  double cpu_target = 50;          // percent of the CPU request
  double gpu_target = 60;          // percent
  double latency_target_ms = 200;  // request-weighted mean
  double lower_band = 0.7;         // fraction of each target under which a signal allows scale-in
  std::int32_t scale_up_step = 2;
  std::int32_t scale_down_step = 1;
  Duration cooldown_period = 30;
  std::int32_t max_consecutive = 3;
  Duration consecutive_reset = 120;
  Duration staleness = 45;  // 3 sync periods of 15 s; parse_ewma_params derives it from the spec
  std::vector<std::string> signals = {"users", "cpu", "latency", "gpu"};
};

inline const std::vector<std::string>& ewma_signal_names() {
  static const std::vector<std::string> names = {"users", "cpu", "latency", "gpu"};
  return names;
}

// Reads every parameter (defaults above; staleness defaults to 3 x sync_period_seconds) and
// records each mistake in `reader`.
EwmaParams read_ewma_params(ParamReader& reader, double sync_period_seconds);
Result<EwmaParams> parse_ewma_params(const ParamMap& params, double sync_period_seconds);

class EwmaPolicy : public Policy {
 public:
  explicit EwmaPolicy(EwmaParams params) : params_(std::move(params)) {}

  std::string name() const override { return "ewma"; }
  Recommendation recommend(const Observation& obs) override;

  const EwmaParams& params() const { return params_; }

 private:
  struct Smoothed {
    double value = 0;
    std::optional<Time> updated;
  };
  struct Evaluated;

  Evaluated evaluate(const std::string& signal, const Observation& obs);

  EwmaParams params_;
  std::map<std::string, Smoothed> smoothed_;
  ScalingMemory memory_;
};

}  // namespace userscale
