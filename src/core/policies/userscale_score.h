// Policy `userscale-score`: the seed's 100-point GPU-aware scaler
// (seeds/000_7c24dad871e0a8c1.txt): request pressure 40 points, GPU utilization 30, latency
// 20, trend 10; cooldowns 8 s up and 40 s down; meant for a 5 s sync period.
//
// The seed gives the weights and the levels but not how a level becomes points nor how the
// score becomes a step. The choices made here:
//
//   Points. Each signal earns a share of its weight along a line through its levels:
//     0 at zero (GPU: at or below idle 40 %), half at target, three quarters at high, all of
//     it at critical and beyond, linear in between. So a service exactly at every target
//     scores 20 + 15 + 10 + 5 (flat trend) = 50, at every high level 72.5, at every
//     critical level 95.
//       requests: concurrent requests (in flight + queued) per serving pod: 8 / 10 / 12
//       gpu:      utilization % of the physical GPUs under serving pods: 40 / 75 / 85 / 95
//       latency:  request-weighted mean latency, ms: 500 / 1500 / 2000
//       trend:    the least-squares slope of the total request pressure over the last
//                 trend_window (30 s), projected over trend_horizon (30 s) and divided by one
//                 target's worth of requests per serving pod: -1 or less (falling fast)
//                 earns 0, flat 5, +1 or more (rising fast) 10. Fewer than two samples: flat.
//   The score is the points earned out of the weights of the enabled signals, scaled to 100
//   (the trend counts with requests), so that disabling a signal keeps the thresholds valid.
//
//   Steps. score >= 80 (score_up_fast): +2 (the seed's first move was 1 -> 3);
//          score >= 60 (score_up), or any signal at its critical level: +1;
//          score <= 30 (score_down) and no signal above its target: -1;
//          otherwise hold.
//   A signal alone at critical (a 2 s latency with few requests) still adds a replica, and
//   one hot signal alone never lets a replica go.
//
//   Cooldowns run from the last change of the replica count in either direction: a scale-up
//   waits 8 s after it, a scale-down 40 s.
//
// A signal unknown this tick (missing or stale) earns no points and forbids any scale-down.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/policies/policy_params.h"
#include "core/policies/scaling_memory.h"
#include "core/policy.h"
#include "core/result.h"

namespace userscale {

struct UserscaleScoreParams {
  double requests_target = 8, requests_high = 10, requests_critical = 12;   // per serving pod
  double gpu_idle = 40, gpu_target = 75, gpu_high = 85, gpu_critical = 95;  // percent
  double latency_target_ms = 500, latency_high_ms = 1500, latency_critical_ms = 2000;
  double score_up = 60, score_up_fast = 80, score_down = 30;
  std::int32_t step_up = 1, step_up_fast = 2, step_down = 1;
  Duration scale_up_cooldown = 8, scale_down_cooldown = 40;
  Duration trend_window = 30, trend_horizon = 30;
  Duration staleness = 15;  // 3 sync periods of 5 s; parse derives it from the spec
  std::vector<std::string> signals = {"requests", "gpu", "latency"};
};

// The seed's weights: they sum to 100.
inline constexpr double kRequestsWeight = 40;
inline constexpr double kGpuWeight = 30;
inline constexpr double kLatencyWeight = 20;
inline constexpr double kTrendWeight = 10;

inline const std::vector<std::string>& userscale_score_signal_names() {
  static const std::vector<std::string> names = {"requests", "gpu", "latency"};
  return names;
}

UserscaleScoreParams read_userscale_score_params(ParamReader& reader, double sync_period_seconds);
Result<UserscaleScoreParams> parse_userscale_score_params(const ParamMap& params,
                                                          double sync_period_seconds);

// Points along a line through (level, share of weight) anchors, flat beyond the ends.
struct ScoreAnchor {
  double level;
  double share;
};
double score_points(double value, double weight, const std::vector<ScoreAnchor>& anchors);

class UserscaleScorePolicy : public Policy {
 public:
  explicit UserscaleScorePolicy(UserscaleScoreParams params) : params_(std::move(params)) {}

  std::string name() const override { return "userscale-score"; }
  Recommendation recommend(const Observation& obs) override;

  const UserscaleScoreParams& params() const { return params_; }

 private:
  struct LoadSample {
    Time time = 0;
    double total_requests = 0;
  };
  // Projected change of the load over the horizon, in targets per serving pod (nullopt with
  // fewer than two samples).
  std::optional<double> trend(Time now, int serving) const;

  UserscaleScoreParams params_;
  std::deque<LoadSample> history_;
  ScalingMemory memory_;
};

}  // namespace userscale
