// Policy `userscale-score` against its seed (seeds/000_7c24dad871e0a8c1.txt): request pressure
// 40 points (critical 12, high 10, target 8 per pod), GPU 30 (critical 95, high 85, target 75,
// idle 40 %), latency 20 (critical 2000, high 1500, target 500 ms), trend 10; cooldowns 8 s up,
// 40 s down. The points-per-level line and the score-to-step map are this project's choice,
// documented in userscale_score.h; the expected scores below are computed from that rule.
#include "core/policies/userscale_score.h"

#include <gtest/gtest.h>

#include "core/policies/policy_signals.h"
#include "core/policies/seed_policy_test_support.h"

namespace userscale {
namespace {

using testing::observation;
using testing::same;

ServingSignals sig(std::optional<double> requests, std::optional<double> gpu,
                   std::optional<double> latency_ms) {
  ServingSignals s;
  s.in_flight = requests;
  s.gpu_utilization = gpu;
  s.latency_mean_ms = latency_ms;
  s.completion_rate = 5;
  return s;
}

UserscaleScorePolicy policy(const ParamMap& params = {}) {
  auto p = parse_userscale_score_params(params, 5);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return UserscaleScorePolicy(*p);
}

const MetricProposal& metric(const Recommendation& r, const std::string& name) {
  for (const auto& m : r.metrics) {
    if (m.name == name) return m;
  }
  ADD_FAILURE() << "no metric " << name;
  static const MetricProposal none;
  return none;
}

double score_of(const Recommendation& r) {
  return metric(r, "score").value.value_or(-1);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(UserscaleScorePolicy, DefaultsAreTheSeedsNumbers) {
  auto p = parse_userscale_score_params({}, 5);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->requests_critical, 12);
  EXPECT_DOUBLE_EQ(p->requests_high, 10);
  EXPECT_DOUBLE_EQ(p->requests_target, 8);
  EXPECT_DOUBLE_EQ(p->gpu_critical, 95);
  EXPECT_DOUBLE_EQ(p->gpu_high, 85);
  EXPECT_DOUBLE_EQ(p->gpu_target, 75);
  EXPECT_DOUBLE_EQ(p->gpu_idle, 40);
  EXPECT_DOUBLE_EQ(p->latency_critical_ms, 2000);
  EXPECT_DOUBLE_EQ(p->latency_high_ms, 1500);
  EXPECT_DOUBLE_EQ(p->latency_target_ms, 500);
  EXPECT_DOUBLE_EQ(p->scale_up_cooldown, 8);
  EXPECT_DOUBLE_EQ(p->scale_down_cooldown, 40);
  EXPECT_DOUBLE_EQ(p->staleness, 15);  // 3 sync periods of 5 s
  EXPECT_DOUBLE_EQ(kRequestsWeight + kGpuWeight + kLatencyWeight + kTrendWeight, 100);
  EXPECT_DOUBLE_EQ(kRequestsWeight, 40);
  EXPECT_DOUBLE_EQ(kGpuWeight, 30);
  EXPECT_DOUBLE_EQ(kLatencyWeight, 20);
  EXPECT_DOUBLE_EQ(kTrendWeight, 10);
}

struct LevelCase {
  double value;
  double score;  // out of 100, the one enabled signal alone
};

TEST(UserscaleScorePolicy, GpuPointsFollowItsLevels) {
  // 0 at or below idle 40, 15 of 30 at target 75, 22.5 at high 85, 30 at critical 95.
  const LevelCase cases[] = {
      {30, 0},  {40, 0},    {57.5, 25},  // 7.5 of 30: halfway from idle to target
      {75, 50}, {80, 62.5},              // 15 + 7.5 x 5/10 = 18.75 of 30
      {85, 75}, {95, 100},  {99, 100},
  };
  for (const LevelCase& c : cases) {
    UserscaleScorePolicy p = policy({{"signals", "gpu"}});
    const Recommendation r = p.recommend(observation(0, 2, same(2, sig(0, c.value, 0))));
    EXPECT_NEAR(score_of(r), c.score, 1e-9) << "gpu " << c.value;
  }
}

TEST(UserscaleScorePolicy, LatencyPointsFollowItsLevels) {
  const LevelCase cases[] = {
      {0, 0},       {250, 25},   {500, 50},  // 10 of 20 at target
      {1000, 62.5},                          // 10 + 5 x 500/1000 = 12.5 of 20
      {1500, 75},   {2000, 100}, {9000, 100},
  };
  for (const LevelCase& c : cases) {
    UserscaleScorePolicy p = policy({{"signals", "latency"}});
    const Recommendation r = p.recommend(observation(0, 2, same(2, sig(0, 0, c.value))));
    EXPECT_NEAR(score_of(r), c.score, 1e-9) << "latency " << c.value;
  }
}

TEST(UserscaleScorePolicy, RequestPointsFollowTheirLevels) {
  // With requests the trend counts too (flat on a first tick: 5 of 10): score = (points + 5)
  // out of 50. 4 per pod: 10 -> 30; 8: 20 -> 50; 10: 30 -> 70; 12: 40 -> 90.
  const LevelCase cases[] = {{0, 10}, {4, 30}, {8, 50}, {10, 70}, {12, 90}, {20, 90}};
  for (const LevelCase& c : cases) {
    UserscaleScorePolicy p = policy({{"signals", "requests"}});
    const Recommendation r = p.recommend(observation(0, 2, same(2, sig(c.value, 0, 0))));
    EXPECT_NEAR(score_of(r), c.score, 1e-9) << "requests " << c.value;
  }
}

TEST(UserscaleScorePolicy, AtEveryTargetItHolds) {
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, sig(8, 75, 500))));
  EXPECT_NEAR(score_of(r), 50, 1e-9);  // 20 + 15 + 10 + 5
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason,
            "no scale needed: score 50 (replicas=3 requests=8/pod gpu=75% "
            "latency=500ms trend=5/10)");
}

TEST(UserscaleScorePolicy, HighLevelsAddOneReplica) {
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, sig(10, 85, 1500))));
  EXPECT_NEAR(score_of(r), 72.5, 1e-9);  // 30 + 22.5 + 15 + 5
  EXPECT_EQ(r.desired_replicas, 4);
  EXPECT_EQ(r.reason,
            "SCALED 3 -> 4: score 72.5 >= 60 (requests=10/pod gpu=85% "
            "latency=1500ms trend=5/10)");
}

TEST(UserscaleScorePolicy, CriticalLevelsAddTwoReplicas) {
  // The seed's first move was 1 -> 3.
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 1, {sig(12, 95, 2000)}));
  EXPECT_NEAR(score_of(r), 95, 1e-9);  // 40 + 30 + 20 + 5
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason,
            "SCALED 1 -> 3: score 95 >= 80 (requests=12/pod gpu=95% latency=2000ms "
            "trend=5/10)");
  EXPECT_EQ(metric(r, "score").proposed_replicas, 3);
  EXPECT_DOUBLE_EQ(*metric(r, "requests").value, 12);
  EXPECT_DOUBLE_EQ(*metric(r, "gpu").target, 75);
}

TEST(UserscaleScorePolicy, ThresholdsAreInclusive) {
  // latency 1500 alone scores exactly 15 of 20 = 75.
  UserscaleScorePolicy at_up = policy({{"signals", "latency"}, {"score_up", "75"}});
  EXPECT_EQ(at_up.recommend(observation(0, 2, same(2, sig(0, 0, 1500)))).desired_replicas, 3);
  UserscaleScorePolicy at_fast =
      policy({{"signals", "latency"}, {"score_up", "70"}, {"score_up_fast", "75"}});
  EXPECT_EQ(at_fast.recommend(observation(0, 2, same(2, sig(0, 0, 1500)))).desired_replicas, 4);
  // latency 500 alone scores 50: at score_down 50 it scales in.
  UserscaleScorePolicy at_down = policy({{"signals", "latency"}, {"score_down", "50"}});
  Recommendation r = at_down.recommend(observation(0, 2, same(2, sig(0, 0, 500))));
  EXPECT_EQ(r.desired_replicas, 1);
}

TEST(UserscaleScorePolicy, OneCriticalSignalAddsAReplicaWhateverTheScore) {
  // requests 2 -> 5, gpu 30 -> 0, latency 2100 -> 20, trend 5: score 30.
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 2, same(2, sig(2, 30, 2100))));
  EXPECT_NEAR(score_of(r), 30, 1e-9);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason,
            "SCALED 2 -> 3: latency=2100ms at or above critical 2000ms (score 30) "
            "(requests=2/pod gpu=30% latency=2100ms trend=5/10)");
}

TEST(UserscaleScorePolicy, ALowScoreRemovesOneReplica) {
  // requests 2 -> 5, gpu 30 -> 0, latency 200 -> 4, trend 5: score 14.
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, sig(2, 30, 200))));
  EXPECT_NEAR(score_of(r), 14, 1e-9);
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason,
            "SCALED 3 -> 2: score 14 <= 30 (requests=2/pod gpu=30% latency=200ms "
            "trend=5/10)");
  UserscaleScorePolicy last = policy();
  EXPECT_EQ(last.recommend(observation(0, 1, {sig(2, 30, 200)})).desired_replicas, 1);
}

TEST(UserscaleScorePolicy, OneHotSignalKeepsEveryReplica) {
  // requests 1 -> 2.5, gpu 81 -> 15 + 7.5 x 6/10 = 19.5, latency 100 -> 2, trend 5: score 29.
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, sig(1, 81, 100))));
  EXPECT_NEAR(score_of(r), 29, 1e-9);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason,
            "no scale needed: score 29 <= 30 but gpu=81% is above its target 75% "
            "(requests=1/pod gpu=81% latency=100ms trend=5/10)");
}

TEST(UserscaleScorePolicy, CooldownsAreEightSecondsUpAndFortyDown) {
  UserscaleScorePolicy p = policy({{"signals", "gpu,latency"}});
  const ServingSignals hot = sig(0, 95, 2000);  // score 100
  const ServingSignals cold = sig(0, 30, 200);  // 0 + 4 of 50: score 8
  EXPECT_EQ(p.recommend(observation(0, 1, {hot})).desired_replicas, 3);
  Recommendation r = p.recommend(observation(5, 3, same(3, hot)));
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason,
            "blocked by cooldown (3 s left; score 100 >= 80 wants 3 -> 5) "
            "(gpu=95% latency=2000ms)");
  r = p.recommend(observation(8, 3, same(3, hot)));
  EXPECT_EQ(r.desired_replicas, 5);
  // The scale shows 5 (changed at t=8): a scale-down waits until t=48.
  r = p.recommend(observation(10, 5, same(5, cold)));
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_EQ(r.reason,
            "blocked by cooldown (38 s left; score 8 <= 30 wants 5 -> 4) "
            "(gpu=30% latency=200ms)");
  EXPECT_EQ(p.recommend(observation(47.5, 5, same(5, cold))).desired_replicas, 5);
  r = p.recommend(observation(48, 5, same(5, cold)));
  EXPECT_EQ(r.desired_replicas, 4);
  EXPECT_EQ(r.reason, "SCALED 5 -> 4: score 8 <= 30 (gpu=30% latency=200ms)");
}

TEST(UserscaleScorePolicy, ARisingLoadScoresTheTrend) {
  // 6 -> 8 requests in 5 s: slope 0.4/s, x 30 s = 12 more, 1.5 targets per pod: capped at
  // 10 points. Requests 8 -> 20 points: (20 + 10) / 50 = 60 -> one more replica.
  UserscaleScorePolicy rising = policy({{"signals", "requests"}});
  EXPECT_NEAR(score_of(rising.recommend(observation(0, 1, {sig(6, 0, 0)}))), 40, 1e-9);
  Recommendation r = rising.recommend(observation(5, 1, {sig(8, 0, 0)}));
  EXPECT_NEAR(score_of(r), 60, 1e-9);
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "SCALED 1 -> 2: score 60 >= 60 (requests=8/pod trend=10/10)");

  // The same 8 with a flat history scores 50 and holds.
  UserscaleScorePolicy flat = policy({{"signals", "requests"}});
  flat.recommend(observation(0, 1, {sig(8, 0, 0)}));
  EXPECT_NEAR(score_of(flat.recommend(observation(5, 1, {sig(8, 0, 0)}))), 50, 1e-9);

  // Falling 10 -> 8: -1.5 targets, floored at 0 points: (20 + 0) / 50 = 40.
  UserscaleScorePolicy falling = policy({{"signals", "requests"}});
  falling.recommend(observation(0, 1, {sig(10, 0, 0)}));
  EXPECT_NEAR(score_of(falling.recommend(observation(5, 1, {sig(8, 0, 0)}))), 40, 1e-9);
}

TEST(UserscaleScorePolicy, TrendArithmetic) {
  // 8 -> 8.4 in 5 s: slope 0.08/s x 30 s = 2.4 requests = 0.3 targets per pod ->
  // 10 x (0.5 + 0.5 x 0.3) = 6.5 points. Requests 8.4: 20 + 10 x 0.4/2 = 22. (22 + 6.5) / 50
  // = 57.
  UserscaleScorePolicy p = policy({{"signals", "requests"}});
  p.recommend(observation(0, 1, {sig(8, 0, 0)}));
  const Recommendation r = p.recommend(observation(5, 1, {sig(8.4, 0, 0)}));
  EXPECT_NEAR(*metric(r, "trend").value, 0.3, 1e-9);
  EXPECT_NEAR(score_of(r), 57, 1e-9);
  EXPECT_EQ(r.desired_replicas, 1);
}

TEST(UserscaleScorePolicy, TheTrendFollowsTheTotalLoadAndForgetsOldSamples) {
  // One pod at 8, then two pods at 4: the same load spread wider is not a falling trend.
  UserscaleScorePolicy spread = policy({{"signals", "requests"}});
  spread.recommend(observation(0, 1, {sig(8, 0, 0)}));
  Recommendation r = spread.recommend(observation(5, 2, same(2, sig(4, 0, 0))));
  EXPECT_NEAR(*metric(r, "trend").value, 0, 1e-9);

  // A sample 40 s old is out of the 30 s window: 8, 8 is flat.
  UserscaleScorePolicy window = policy({{"signals", "requests"}});
  window.recommend(observation(0, 1, {sig(2, 0, 0)}));
  window.recommend(observation(40, 1, {sig(8, 0, 0)}));
  r = window.recommend(observation(45, 1, {sig(8, 0, 0)}));
  EXPECT_NEAR(*metric(r, "trend").value, 0, 1e-9);
}

TEST(UserscaleScorePolicy, AMissingSignalNeverScalesDown) {
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, sig(2, std::nullopt, 200))));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.reason,
            "no scale-down on doubt (gpu: 3 of 3 pods missing): keeping 3 replicas "
            "(score 14 requests=2/pod gpu=n/a latency=200ms trend=5/10)");
  EXPECT_TRUE(metric(r, "gpu").error);
}

TEST(UserscaleScorePolicy, AStaleSignalNeverScalesDown) {
  UserscaleScorePolicy p = policy();
  Observation obs = observation(100, 3, same(3, sig(2, 30, 200)));
  obs.pods[2].serving.sample_time = 100 - 16;  // older than 3 x 5 s
  const Recommendation r = p.recommend(obs);
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "no scale-down on doubt (requests: 1 of 3 pods stale"))
      << r.reason;
}

TEST(UserscaleScorePolicy, DoubtDoesNotStopAScaleUp) {
  UserscaleScorePolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 2, same(2, sig(12, std::nullopt, 2000))));
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);  // 40 + 0 + 20 + 5 = 65 of 100
}

TEST(UserscaleScorePolicy, NothingKnownDecidesNothing) {
  UserscaleScorePolicy p = policy();
  Recommendation r = p.recommend(observation(0, 2, {}));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.reason,
            "no signal known (requests: no serving pods; gpu: no serving pods; "
            "latency: no serving pods): keeping 2 replicas");
}

TEST(UserscaleScorePolicy, ProposalsStaySane) {
  UserscaleScorePolicy top = policy();
  Recommendation r = top.recommend(observation(0, kMaxProposedReplicas, {sig(12, 95, 2000)}));
  EXPECT_EQ(r.desired_replicas, kMaxProposedReplicas);
  UserscaleScorePolicy zero = policy();
  r = zero.recommend(observation(0, 0, {sig(12, 95, 2000)}));
  EXPECT_EQ(r.desired_replicas, 2);
}

TEST(UserscaleScorePolicy, RejectsBadParametersByName) {
  auto error_of = [](const ParamMap& params) {
    auto p = parse_userscale_score_params(params, 5);
    return p.ok() ? std::string("ok") : p.error().to_string();
  };
  EXPECT_EQ(error_of({{"requests_high", "8"}}),
            "spec.policy.params.requests_high: requests_target (8) must be below requests_high "
            "(8)");
  EXPECT_EQ(error_of({{"gpu_idle", "80"}}),
            "spec.policy.params.gpu_idle: gpu_idle (80) must be below gpu_target (75)");
  EXPECT_EQ(error_of({{"gpu_critical", "101"}}),
            "spec.policy.params.gpu_critical: must be in [0, 100], got 101");
  EXPECT_EQ(error_of({{"score_down", "70"}}),
            "spec.policy.params.score_down: score_down (70) must be below score_up (60)");
  EXPECT_EQ(error_of({{"score_up_fast", "50"}}),
            "spec.policy.params.score_up_fast: score_up_fast (50) must be >= score_up (60)");
  EXPECT_EQ(error_of({{"scale_up_cooldown", "-1"}}),
            "spec.policy.params.scale_up_cooldown: must be in [0, 86400] seconds, got -1");
  EXPECT_EQ(error_of({{"signals", "request,gpu"}}),
            "spec.policy.params.signals: unknown name \"request\" (did you mean \"requests\"?); "
            "known: requests, gpu, latency");
  EXPECT_TRUE(contains(error_of({{"gpu_treshold", "3"}}),
                       "spec.policy.params.gpu_treshold: unknown parameter"));
  EXPECT_EQ(error_of({{"scale_down_cooldown", "1m"}}), "ok");
}

}  // namespace
}  // namespace userscale
