// Policy `ewma` against its seeds (seeds/001_401f70a010e011d3.txt, 002_1bd5a41112bdba2d.txt):
// alpha 0.6, users 10 per pod, CPU 50 %, GPU 60 %, latency 200 ms, lower bands at 70 %, steps
// 2 up / 1 down, 30 s cooldown, at most 3 consecutive scalings in one direction.
#include "core/policies/ewma.h"

#include <gtest/gtest.h>

#include "core/policies/policy_signals.h"
#include "core/policies/seed_policy_test_support.h"

namespace userscale {
namespace {

using testing::observation;
using testing::same;

ServingSignals users(double per_pod) {
  ServingSignals s;
  s.concurrent_users = per_pod;
  return s;
}

ServingSignals load(double users_per_pod, double cpu, double latency_ms,
                    std::optional<double> gpu = std::nullopt) {
  ServingSignals s;
  s.concurrent_users = users_per_pod;
  s.cpu_utilization = cpu;
  s.latency_mean_ms = latency_ms;
  s.completion_rate = 10;
  s.gpu_utilization = gpu;
  return s;
}

EwmaPolicy policy(const ParamMap& params) {
  auto p = parse_ewma_params(params, 15);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return EwmaPolicy(*p);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(EwmaPolicy, DefaultsAreTheSeedsNumbers) {
  auto p = parse_ewma_params({}, 15);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->alpha, 0.6);                // "ALPHA: 0.6"
  EXPECT_DOUBLE_EQ(p->users_target_per_pod, 10);  // "USERS_TARGET_PER_POD: 10"
  EXPECT_DOUBLE_EQ(p->cpu_target, 50);            // "CPU_TARGET: 50%"
  EXPECT_DOUBLE_EQ(p->gpu_target, 60);            // "if gpu_util > 60%"
  EXPECT_DOUBLE_EQ(p->latency_target_ms, 200);    // "LATENCY_TARGET_MS: 200"
  EXPECT_DOUBLE_EQ(p->lower_band, 0.7);           // "below lower bands (e.g., 70% of targets)"
  EXPECT_EQ(p->scale_up_step, 2);                 // "Max 2 replicas up"
  EXPECT_EQ(p->scale_down_step, 1);               // "1 replica down per operation"
  EXPECT_DOUBLE_EQ(p->cooldown_period, 30);       // "30s between scaling operations"
  EXPECT_EQ(p->max_consecutive, 3);               // "Max 3 consecutive scales"
  EXPECT_DOUBLE_EQ(p->staleness, 45);             // 3 sync periods of 15 s
  EXPECT_DOUBLE_EQ(parse_ewma_params({}, 5)->staleness, 15);
  EXPECT_EQ(p->signals, (std::vector<std::string>{"users", "cpu", "latency", "gpu"}));
}

TEST(EwmaPolicy, ReproducesTheSeedsScaledLine) {
  // Seed 001: "SCALED replicas 1 -> 3 (users=25 cpu=75.2% latency=245.1ms gpu=N/A)".
  // users: ceil(25 / 10) = 3; cpu: ceil(1 x 75.2 / 50) = 2; latency: ceil(1 x 245.1 / 200)
  // = 2; GPU unknown (no GPU reported), which may not stop a scale-up. max = 3, +2 allowed.
  EwmaPolicy p = policy({});
  const Recommendation r = p.recommend(observation(0, 1, {load(25, 75.2, 245.1)}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "SCALED 1 -> 3 (users=25 cpu=75.2% latency=245ms gpu=n/a)");
  ASSERT_EQ(r.metrics.size(), 4u);
  EXPECT_EQ(r.metrics[0].name, "users");
  EXPECT_EQ(r.metrics[0].proposed_replicas, 3);
  EXPECT_EQ(r.metrics[1].proposed_replicas, 2);
  EXPECT_EQ(r.metrics[2].proposed_replicas, 2);
  EXPECT_EQ(r.metrics[3].name, "gpu");
  EXPECT_FALSE(r.metrics[3].proposed_replicas);
  EXPECT_TRUE(r.metrics[3].error);
}

TEST(EwmaPolicy, SmoothsEachSignalWithAlpha) {
  // s_t = 0.6 x_t + 0.4 s_(t-1), the first sample starting the average:
  //   x = 10 -> s = 10
  //   x = 20 -> s = 0.6*20 + 0.4*10   = 12 + 4      = 16     -> ceil(16 / 10)   = 2
  //   x = 30 -> s = 0.6*30 + 0.4*16   = 18 + 6.4    = 24.4   -> ceil(24.4 / 10) = 3
  //   x = 0  -> s = 0.6*0  + 0.4*24.4 = 9.76                 -> ceil(0.976)     = 1
  EwmaPolicy p = policy({{"signals", "users"}});
  const double xs[] = {10, 20, 30, 0};
  const double expected[] = {10, 16, 24.4, 9.76};
  const std::int32_t proposals[] = {1, 2, 3, 1};
  for (int i = 0; i < 4; ++i) {
    const Recommendation r = p.recommend(observation(15.0 * i, 1, {users(xs[i])}));
    ASSERT_EQ(r.metrics.size(), 1u);
    EXPECT_NEAR(*r.metrics[0].value, expected[i], 1e-9) << "tick " << i;
    EXPECT_EQ(r.metrics[0].proposed_replicas, proposals[i]) << "tick " << i;
  }
}

TEST(EwmaPolicy, AlphaOneFollowsTheRawSignal) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  p.recommend(observation(0, 1, {users(10)}));
  const Recommendation r = p.recommend(observation(15, 1, {users(30)}));
  EXPECT_DOUBLE_EQ(*r.metrics[0].value, 30);
}

TEST(EwmaPolicy, PodsRequiredIsCeilOfUsersOverUsersPerPod) {
  // Seed 002: PodsRequired = ceil(CurrentUsers x PerUserUsage / PerPodCapacity)
  //                        = ceil(CurrentUsers / users_target_per_pod).
  struct Case {
    double users_per_pod;  // on each of 2 serving pods
    double target;
    std::int32_t pods_required;
  };
  const Case cases[] = {
      {20.5, 10, 5},  // 41 users -> 4.1 -> 5
      {20, 10, 4},    // 40 users -> exactly 4
      {0.5, 10, 1},   // 1 user
      {0, 10, 1},     // no users: never below 1
      {12.5, 5, 5},   // 25 users at the seed's aggressive 5 per pod
      {22.5, 15, 3},  // 45 users at the conservative 15 per pod
  };
  for (const Case& c : cases) {
    EwmaPolicy p = policy({{"signals", "users"},
                           {"alpha", "1"},
                           {"users_target_per_pod", format_fixed(c.target, 1)}});
    const Recommendation r = p.recommend(observation(0, 2, same(2, users(c.users_per_pod))));
    EXPECT_EQ(r.metrics[0].proposed_replicas, c.pods_required)
        << c.users_per_pod * 2 << " users, " << c.target << " per pod";
  }
}

TEST(EwmaPolicy, DesiredIsTheLargestProposal) {
  // 2 replicas: users 2 x 5 = 10 -> ceil(10/10) = 1; cpu 90 -> ceil(2 x 90/50) = 4;
  // latency 250 -> ceil(2 x 250/200) = 3; gpu 30 (under 0.7 x 60 = 42) -> ceil(2 x 30/60) = 1.
  EwmaPolicy p = policy({{"alpha", "1"}});
  const Recommendation r = p.recommend(observation(0, 2, same(2, load(5, 90, 250, 30))));
  ASSERT_EQ(r.metrics.size(), 4u);
  EXPECT_EQ(r.metrics[0].proposed_replicas, 1);
  EXPECT_EQ(r.metrics[1].proposed_replicas, 4);
  EXPECT_EQ(r.metrics[2].proposed_replicas, 3);
  EXPECT_EQ(r.metrics[3].proposed_replicas, 1);
  EXPECT_EQ(r.desired_replicas, 4);
  EXPECT_EQ(r.reason, "SCALED 2 -> 4 (users=10 cpu=90% latency=250ms gpu=30%)");
}

TEST(EwmaPolicy, ScalesInOnlyWhenEverySignalIsBelowItsLowerBand) {
  // Lower bands: users 7 per pod, cpu 35 %, latency 140 ms, gpu 42 %. 4 replicas.
  EwmaPolicy all_low = policy({{"alpha", "1"}});
  // users 4 x 6 = 24 -> 3; cpu 30 -> ceil(2.4) = 3; latency 100 -> 2; gpu 40 -> ceil(2.67) = 3.
  Recommendation r = all_low.recommend(observation(0, 4, same(4, load(6, 30, 100, 40))));
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "SCALED 4 -> 3 (users=24 cpu=30% latency=100ms gpu=40%)");

  struct Case {
    const char* what;
    ServingSignals s;
  };
  const Case holds[] = {
      {"cpu 36 % is inside its band", load(6, 36, 100, 40)},
      {"latency 150 ms is inside its band", load(6, 30, 150, 40)},
      {"gpu 42 % sits on its lower band", load(6, 30, 100, 42)},
      // 28 users propose ceil(2.8) = 3 < 4, but 7 per pod is not below the band.
      {"users 7 per pod sit on their lower band", load(7, 30, 100, 40)},
  };
  for (const Case& c : holds) {
    EwmaPolicy p = policy({{"alpha", "1"}});
    const Recommendation h = p.recommend(observation(0, 4, same(4, c.s)));
    EXPECT_TRUE(h.valid) << c.what;
    EXPECT_EQ(h.desired_replicas, 4) << c.what;
    EXPECT_TRUE(contains(h.reason, "no scale needed")) << c.what << ": " << h.reason;
  }
}

TEST(EwmaPolicy, StepLimitsClampTheChange) {
  EwmaPolicy up = policy({{"signals", "users"}, {"alpha", "1"}});
  Recommendation r = up.recommend(observation(0, 1, {users(50)}));  // wants ceil(50/10) = 5
  EXPECT_EQ(r.desired_replicas, 3);                                 // 1 + 2
  EXPECT_EQ(r.reason, "SCALED 1 -> 3, limited by step limit (desired=5) (users=50)");

  EwmaPolicy down = policy({{"signals", "users"}, {"alpha", "1"}});
  r = down.recommend(observation(0, 5, same(5, users(1))));  // 5 users want 1 replica
  EXPECT_EQ(r.desired_replicas, 4);                          // 5 - 1
  EXPECT_EQ(r.reason, "SCALED 5 -> 4, limited by step limit (desired=1) (users=5)");

  EwmaPolicy wider = policy({{"signals", "users"}, {"alpha", "1"}, {"scale_up_step", "3"}});
  EXPECT_EQ(wider.recommend(observation(0, 1, {users(50)})).desired_replicas, 4);
}

TEST(EwmaPolicy, CooldownHoldsThirtySecondsAfterAChange) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  EXPECT_EQ(p.recommend(observation(0, 1, {users(25)})).desired_replicas, 3);
  // The scale now shows 3: the change is dated at t=0, when it was proposed.
  Recommendation r = p.recommend(observation(10, 3, same(3, users(15))));  // 45 users -> 5
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.reason, "blocked by cooldown (20 s left; replicas=3 desired=5 users=45)");
  r = p.recommend(observation(29.5, 3, same(3, users(15))));
  EXPECT_EQ(r.reason, "blocked by cooldown (1 s left; replicas=3 desired=5 users=45)");
  r = p.recommend(observation(30, 3, same(3, users(15))));  // expired
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_EQ(r.reason, "SCALED 3 -> 5 (users=45)");
}

TEST(EwmaPolicy, AProposalThatDidNotHappenStartsNoCooldown) {
  // maxReplicas kept the count at 3: the scale never changed, so the next tick may act.
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  EXPECT_EQ(p.recommend(observation(0, 3, same(3, users(15)))).desired_replicas, 5);
  const Recommendation r = p.recommend(observation(15, 3, same(3, users(1))));
  EXPECT_EQ(r.desired_replicas, 2);  // 3 users -> 1, one step down, no cooldown
}

// Scales up three times, each applied: 1 -> 3 at 0, 3 -> 5 at 30, 5 -> 7 at 60.
void three_scale_ups(EwmaPolicy& p) {
  ASSERT_EQ(p.recommend(observation(0, 1, {users(25)})).desired_replicas, 3);
  ASSERT_EQ(p.recommend(observation(30, 3, same(3, users(15)))).desired_replicas, 5);
  ASSERT_EQ(p.recommend(observation(60, 5, same(5, users(13)))).desired_replicas, 7);
}

TEST(EwmaPolicy, AtMostThreeConsecutiveScalingsInOneDirection) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  three_scale_ups(p);
  // 85 users want 9: the fourth scale-up in a row waits.
  Recommendation r = p.recommend(observation(90, 7, same(7, users(85.0 / 7))));
  EXPECT_EQ(r.desired_replicas, 7);
  EXPECT_EQ(r.reason,
            "blocked by consecutive limit (3 scale-ups in a row; replicas=7 desired=9 users=85)");
  r = p.recommend(observation(179, 7, same(7, users(85.0 / 7))));
  EXPECT_EQ(r.desired_replicas, 7);  // 119 s since the last change: the run goes on
  // consecutive_reset (120 s) without a change ends the run.
  r = p.recommend(observation(180, 7, same(7, users(85.0 / 7))));
  EXPECT_EQ(r.desired_replicas, 9);
}

TEST(EwmaPolicy, ATickWithNothingToDoEndsTheRun) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  three_scale_ups(p);
  EXPECT_EQ(p.recommend(observation(90, 7, same(7, users(85.0 / 7)))).desired_replicas, 7);
  // 70 users on 7 replicas: 10 per pod, the load is met.
  Recommendation r = p.recommend(observation(95, 7, same(7, users(10))));
  EXPECT_TRUE(contains(r.reason, "no scale needed")) << r.reason;
  r = p.recommend(observation(100, 7, same(7, users(85.0 / 7))));
  EXPECT_EQ(r.desired_replicas, 9);
}

TEST(EwmaPolicy, AChangeInTheOtherDirectionEndsTheRun) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}});
  three_scale_ups(p);
  // 14 users on 7 replicas: 2 per pod, under the 7 band -> wants 2, one step down.
  EXPECT_EQ(p.recommend(observation(90, 7, same(7, users(2)))).desired_replicas, 6);
  const Recommendation r = p.recommend(observation(120, 6, same(6, users(85.0 / 6))));
  EXPECT_EQ(r.desired_replicas, 8);
}

TEST(EwmaPolicy, AMissingSignalNeverScalesDown) {
  // Everything is low on 3 replicas, but no GPU is reported.
  EwmaPolicy p = policy({{"alpha", "1"}});
  const Recommendation r = p.recommend(observation(0, 3, same(3, load(1, 5, 50))));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.reason,
            "no scale-down on doubt (gpu: 3 of 3 pods missing): keeping 3 replicas "
            "(users=3 cpu=5% latency=50ms gpu=n/a)");
  // The same tick without the GPU signal configured scales in: the doubt was the reason.
  EwmaPolicy no_gpu = policy({{"alpha", "1"}, {"signals", "users,cpu,latency"}});
  EXPECT_EQ(no_gpu.recommend(observation(0, 3, same(3, load(1, 5, 50)))).desired_replicas, 2);
}

TEST(EwmaPolicy, AStaleSignalNeverScalesDown) {
  EwmaPolicy p = policy({{"alpha", "1"}, {"signals", "users,cpu,latency"}});
  Observation obs = observation(100, 3, same(3, load(1, 5, 50)));
  obs.pods[1].serving.sample_time = 100 - 46;  // older than 3 x 15 s
  const Recommendation r = p.recommend(obs);
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "no scale-down on doubt (users: 1 of 3 pods stale")) << r.reason;
}

TEST(EwmaPolicy, AnOldAverageDoesNotStandInForAMissingSignal) {
  EwmaPolicy p = policy({{"alpha", "1"}, {"signals", "users,cpu"}});
  EXPECT_TRUE(
      contains(p.recommend(observation(0, 3, same(3, load(1, 5, 50)))).reason, "SCALED 3 -> 2"));
  ServingSignals no_cpu = load(1, 5, 50);
  no_cpu.cpu_utilization.reset();
  const Recommendation r = p.recommend(observation(60, 2, same(2, no_cpu)));
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "cpu: 2 of 2 pods missing")) << r.reason;
  EXPECT_TRUE(r.metrics[1].error);
}

TEST(EwmaPolicy, DoubtDoesNotStopAScaleUp) {
  EwmaPolicy p = policy({{"alpha", "1"}, {"signals", "users,cpu"}});
  Observation obs = observation(100, 2, same(2, load(20, 90, 0)));
  obs.pods[1].serving.sample_time = 0;  // stale: the fresh pod alone is evidence of load
  const Recommendation r = p.recommend(obs);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 4);  // users 20 per pod x 2 serving = 40 -> 4
}

TEST(EwmaPolicy, NothingKnownDecidesNothing) {
  EwmaPolicy p = policy({});
  Recommendation r = p.recommend(observation(0, 3, same(3, ServingSignals{})));
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "no signal known")) << r.reason;
  r = p.recommend(observation(15, 3, {}));  // no serving pod at all
  EXPECT_FALSE(r.valid);
  EXPECT_TRUE(contains(r.reason, "users: no serving pods")) << r.reason;
}

TEST(EwmaPolicy, AnAverageRestartsAfterAGapLongerThanTheStalenessBound) {
  EwmaPolicy p = policy({{"signals", "users"}});
  p.recommend(observation(0, 1, {users(10)}));
  p.recommend(observation(15, 1, {ServingSignals{}}));  // missing: the average is not fed
  const Recommendation r = p.recommend(observation(61, 1, {users(30)}));
  EXPECT_DOUBLE_EQ(*r.metrics[0].value, 30);  // not 0.6 x 30 + 0.4 x 10 = 22
  const Recommendation next = p.recommend(observation(76, 1, {users(10)}));
  EXPECT_NEAR(*next.metrics[0].value, 0.6 * 10 + 0.4 * 30, 1e-9);  // 18
}

TEST(EwmaPolicy, ProposalsStaySane) {
  EwmaPolicy p = policy({{"signals", "users"}, {"alpha", "1"}, {"scale_up_step", "1000000"}});
  Recommendation r = p.recommend(observation(0, 2, same(2, users(1e15))));
  EXPECT_EQ(r.desired_replicas, kMaxProposedReplicas);
  EXPECT_EQ(*r.metrics[0].proposed_replicas, kMaxProposedReplicas);

  EwmaPolicy low = policy({{"signals", "users"}, {"alpha", "1"}});
  r = low.recommend(observation(0, 1, {users(0)}));
  EXPECT_EQ(r.desired_replicas, 1);  // never below one replica
  EwmaPolicy from_zero = policy({{"signals", "users"}, {"alpha", "1"}});
  r = from_zero.recommend(observation(0, 0, {users(3)}));  // minReplicas 0 lets a policy see 0
  EXPECT_EQ(r.desired_replicas, 1);
}

TEST(EwmaPolicy, RejectsBadParametersByName) {
  auto error_of = [](const ParamMap& params) {
    auto p = parse_ewma_params(params, 15);
    return p.ok() ? std::string("ok") : p.error().to_string();
  };
  EXPECT_EQ(error_of({{"alpha", "1.5"}}), "spec.policy.params.alpha: must be in (0, 1], got 1.5");
  EXPECT_EQ(error_of({{"alpha", "0"}}), "spec.policy.params.alpha: must be in (0, 1], got 0");
  EXPECT_EQ(error_of({{"lower_band", "1"}}),
            "spec.policy.params.lower_band: must be in (0, 1), got 1");
  EXPECT_EQ(error_of({{"users_target_per_pod", "-3"}}),
            "spec.policy.params.users_target_per_pod: must be > 0, got -3");
  EXPECT_EQ(error_of({{"scale_up_step", "0"}}),
            "spec.policy.params.scale_up_step: must be in [1, 1000000], got 0");
  EXPECT_EQ(error_of({{"cooldown_period", "half a minute"}}),
            "spec.policy.params.cooldown_period: must be seconds or a duration such as \"30s\" "
            "or \"1m\", got \"half a minute\"");
  EXPECT_EQ(error_of({{"consecutive_reset", "10s"}}),
            "spec.policy.params.consecutive_reset: consecutive_reset (10) must be >= "
            "cooldown_period (30)");
  EXPECT_EQ(error_of({{"signals", "users,gpus"}}),
            "spec.policy.params.signals: unknown name \"gpus\" (did you mean \"gpu\"?); known: "
            "users, cpu, latency, gpu");
  EXPECT_EQ(error_of({{"cooldown_perod", "30"}}),
            "spec.policy.params.cooldown_perod: unknown parameter (did you mean "
            "\"cooldown_period\"?)");
  auto ok = parse_ewma_params({{"cooldown_period", "1m"}, {"consecutive_reset", "2m"}}, 15);
  ASSERT_TRUE(ok.ok());
  EXPECT_DOUBLE_EQ(ok->cooldown_period, 60);
}

}  // namespace
}  // namespace userscale
