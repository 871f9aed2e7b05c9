// Policy `latency` against its seed (seeds/003_a879be17052915e7.txt): the average latency over
// 1 minute against a 0.5 s threshold, read every 30 s, one replica at a time.
#include "core/policies/latency.h"

#include <gtest/gtest.h>

#include "core/policies/policy_signals.h"
#include "core/policies/seed_policy_test_support.h"

namespace userscale {
namespace {

using testing::observation;
using testing::same;

ServingSignals lat(double ms) {
  ServingSignals s;
  s.latency_mean_ms = ms;
  s.completion_rate = 5;
  return s;
}

LatencyPolicy policy(const ParamMap& params = {}) {
  auto p = parse_latency_params(params, 15);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return LatencyPolicy(*p);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LatencyPolicy, DefaultsAreTheSeedsNumbers) {
  auto p = parse_latency_params({}, 15);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->threshold_ms, 500);  // "keep ... latency below 0.5 seconds"
  EXPECT_DOUBLE_EQ(p->window, 60);         // "1-minute average latency"
  EXPECT_DOUBLE_EQ(p->period, 30);         // "reads the average latency every 30 seconds"
  EXPECT_DOUBLE_EQ(p->scale_down_below_ms, 250);
  EXPECT_DOUBLE_EQ(p->staleness, 45);
}

TEST(LatencyPolicy, HighLatencyAddsOneReplica) {
  LatencyPolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 1, {lat(612)}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "SCALED 1 -> 2 (high latency: 60 s average latency 612ms > 500ms)");
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_EQ(r.metrics[0].name, "latency");
  EXPECT_DOUBLE_EQ(*r.metrics[0].value, 612);
  EXPECT_DOUBLE_EQ(*r.metrics[0].target, 500);
  EXPECT_EQ(r.metrics[0].proposed_replicas, 2);
}

TEST(LatencyPolicy, OneStepAtATimeHoweverHighTheLatency) {
  LatencyPolicy p = policy();
  EXPECT_EQ(p.recommend(observation(0, 3, same(3, lat(50000)))).desired_replicas, 4);
}

TEST(LatencyPolicy, EvaluatesOncePerPeriod) {
  LatencyPolicy p = policy();
  EXPECT_EQ(p.recommend(observation(0, 1, {lat(612)})).desired_replicas, 2);
  // 15 s later: the window gets the sample ((612 + 800) / 2 = 706), the count is kept.
  Recommendation r = p.recommend(observation(15, 2, same(2, lat(800))));
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "waiting for the next evaluation (15 s left; 60 s average latency 706ms)");
  r = p.recommend(observation(30, 2, same(2, lat(800))));
  EXPECT_EQ(r.desired_replicas, 3);  // (612 + 800 + 800) / 3 = 737.3 > 500
}

TEST(LatencyPolicy, AveragesTheLastMinute) {
  // Ticks every 15 s, evaluations every 30 s; a sample leaves the window 60 s after it came.
  struct Step {
    Time t;
    std::int32_t replicas;
    double latency;
    double average;  // by hand, over the samples younger than 60 s
    std::int32_t desired;
  };
  const Step steps[] = {
      {0, 1, 900, 900, 2},                             // 900 > 500: up
      {15, 2, 300, (900 + 300) / 2.0, 2},              // waiting
      {30, 2, 300, (900 + 300 + 300) / 3.0, 2},        // 500 is not above 500: hold
      {45, 2, 200, (900 + 300 + 300 + 200) / 4.0, 2},  // waiting
      {60, 2, 200, (300 + 300 + 200 + 200) / 4.0, 2},  // t=0 left; 250 is not below 250
      {75, 2, 100, (300 + 200 + 200 + 100) / 4.0, 2},  // waiting
      {90, 2, 100, (200 + 200 + 100 + 100) / 4.0, 1},  // 150 < 250: down one
  };
  LatencyPolicy p = policy();
  for (const Step& s : steps) {
    const Recommendation r =
        p.recommend(observation(s.t, s.replicas, same(s.replicas, lat(s.latency))));
    ASSERT_TRUE(r.valid) << "t=" << s.t;
    EXPECT_NEAR(*r.metrics[0].value, s.average, 1e-9) << "t=" << s.t;
    EXPECT_EQ(r.desired_replicas, s.desired) << "t=" << s.t << ": " << r.reason;
  }
}

TEST(LatencyPolicy, LowLatencyRemovesOneReplicaButNeverTheLast) {
  LatencyPolicy p = policy();
  Recommendation r = p.recommend(observation(0, 3, same(3, lat(100))));
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "SCALED 3 -> 2 (low latency: 60 s average latency 100ms < 250ms)");
  LatencyPolicy single = policy();
  r = single.recommend(observation(0, 1, {lat(100)}));
  EXPECT_EQ(r.desired_replicas, 1);
  EXPECT_EQ(r.reason, "no scaling action needed (replicas=1 60 s average latency 100ms)");
}

TEST(LatencyPolicy, BetweenTheLevelsNothingHappens) {
  LatencyPolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 2, same(2, lat(400))));
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 2);
}

TEST(LatencyPolicy, UnknownLatencyDecidesNothing) {
  // The seed: "1-minute average latency: nan ms / No scaling action needed."
  LatencyPolicy p = policy();
  EXPECT_EQ(p.recommend(observation(0, 3, same(3, lat(300)))).desired_replicas, 3);
  // 30 s later no pod reports a latency: the older sample in the window does not decide.
  Recommendation r = p.recommend(observation(30, 3, same(3, ServingSignals{})));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.reason,
            "latency unknown (3 of 3 pods missing): no scaling action, keeping 3 "
            "replicas");
  EXPECT_TRUE(r.metrics[0].error);
}

TEST(LatencyPolicy, StaleLatencyNeverScalesDown) {
  LatencyPolicy all_stale = policy();
  Observation obs = observation(100, 3, same(3, lat(50)));
  for (auto& pod : obs.pods) pod.serving.sample_time = 100 - 46;
  Recommendation r = all_stale.recommend(obs);
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "3 of 3 pods stale")) << r.reason;

  LatencyPolicy one_stale = policy();
  obs.pods[0].serving.sample_time = 100;
  obs.pods[1].serving.sample_time = 100;
  r = one_stale.recommend(obs);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.reason,
            "no scale-down on doubt (latency: 1 of 3 pods stale): keeping 3 replicas "
            "(60 s average latency 50ms)");
}

TEST(LatencyPolicy, APartialReadingMayStillAddAReplica) {
  LatencyPolicy p = policy();
  Observation obs = observation(100, 2, same(2, lat(900)));
  obs.pods[1].serving.latency_mean_ms.reset();
  obs.pods[1].serving.in_flight = 4;  // busy, nothing finished yet: unknown, not idle
  const Recommendation r = p.recommend(obs);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
}

TEST(LatencyPolicy, AnIdleServiceShedsReplicas) {
  ServingSignals idle;
  idle.completion_rate = 0;
  idle.in_flight = 0;
  idle.queued = 0;
  LatencyPolicy p = policy();
  const Recommendation r = p.recommend(observation(0, 3, same(3, idle)));
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 2);
  EXPECT_EQ(r.reason, "SCALED 3 -> 2 (low latency: 60 s average latency 0ms < 250ms)");
}

TEST(LatencyPolicy, ProposalsStaySane) {
  LatencyPolicy p = policy();
  EXPECT_EQ(p.recommend(observation(0, kMaxProposedReplicas, {lat(900)})).desired_replicas,
            kMaxProposedReplicas);
  LatencyPolicy zero = policy();
  EXPECT_EQ(zero.recommend(observation(0, 0, {lat(900)})).desired_replicas, 1);
}

TEST(LatencyPolicy, RejectsBadParametersByName) {
  auto error_of = [](const ParamMap& params) {
    auto p = parse_latency_params(params, 15);
    return p.ok() ? std::string("ok") : p.error().to_string();
  };
  EXPECT_EQ(error_of({{"scale_down_below_ms", "600"}}),
            "spec.policy.params.scale_down_below_ms: scale_down_below_ms (600) must be below "
            "threshold_ms (500)");
  EXPECT_EQ(error_of({{"threshold_ms", "200"}}),
            "spec.policy.params.threshold_ms: scale_down_below_ms (250) must be below "
            "threshold_ms (200)");
  EXPECT_EQ(error_of({{"threshold_ms", "0"}}),
            "spec.policy.params.threshold_ms: must be > 0, got 0");
  EXPECT_EQ(error_of({{"window", "0"}}),
            "spec.policy.params.window: must be in (0, 86400] seconds, got 0");
  EXPECT_EQ(error_of({{"treshold_ms", "400"}}),
            "spec.policy.params.treshold_ms: unknown parameter (did you mean \"threshold_ms\"?)");
  auto ok = parse_latency_params({{"window", "2m"}, {"period", "15s"}}, 5);
  ASSERT_TRUE(ok.ok());
  EXPECT_DOUBLE_EQ(ok->window, 120);
  EXPECT_DOUBLE_EQ(ok->period, 15);
  EXPECT_DOUBLE_EQ(ok->staleness, 15);
}

}  // namespace
}  // namespace userscale
