// The policy factory, and the rules every seed policy obeys once inside the reconcile:
// never outside [minReplicas, maxReplicas], never down on a missing or stale metric.
#include "core/policies/registry.h"

#include <gtest/gtest.h>

#include "core/policies/ewma.h"
#include "core/policies/latency.h"
#include "core/policies/seed_policy_test_support.h"
#include "core/policies/userscale_score.h"
#include "core/reconcile.h"

namespace userscale {
namespace {

using testing::observation;
using testing::same;

AutoscalerSpec spec_for(const std::string& name, ParamMap params = {}) {
  AutoscalerSpec spec;
  spec.scale_target_ref = {"apps/v1", "Deployment", "gpu"};
  spec.min_replicas = 2;
  spec.max_replicas = 5;
  spec.policy.name = name;
  spec.policy.params = std::move(params);
  spec.sync_period_seconds = 5;
  return spec;
}

const std::vector<std::string> kSeedPolicies = {"userscale-score", "ewma", "latency"};

TEST(PolicyRegistry, BuildsTheSeedPolicies) {
  for (const auto& name : kSeedPolicies) {
    auto policy = make_policy(spec_for(name), HpaSettings{});
    ASSERT_TRUE(policy.ok()) << name << ": " << policy.error().to_string();
    EXPECT_EQ((*policy)->name(), name);
    EXPECT_FALSE((*policy)->uses_hpa_legacy_normalization());
  }
}

TEST(PolicyRegistry, PassesParametersAndTheSyncPeriod) {
  auto policy = make_policy(spec_for("ewma", {{"alpha", "0.4"}}), HpaSettings{});
  ASSERT_TRUE(policy.ok());
  const auto* ewma = dynamic_cast<const EwmaPolicy*>(policy->get());
  ASSERT_NE(ewma, nullptr);
  EXPECT_DOUBLE_EQ(ewma->params().alpha, 0.4);
  EXPECT_DOUBLE_EQ(ewma->params().staleness, 15);  // 3 x syncPeriodSeconds 5

  auto latency = make_policy(spec_for("latency", {{"window", "2m"}}), HpaSettings{});
  ASSERT_TRUE(latency.ok());
  EXPECT_DOUBLE_EQ(dynamic_cast<const LatencyPolicy*>(latency->get())->params().window, 120);
}

TEST(PolicyRegistry, ABadParameterIsAnErrorWithItsPath) {
  auto policy = make_policy(spec_for("ewma", {{"alpha", "1.5"}}), HpaSettings{});
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.error().path, "spec.policy.params.alpha");
  EXPECT_EQ(policy.error().to_string(), "spec.policy.params.alpha: must be in (0, 1], got 1.5");
}

TEST(PolicyRegistry, ListsEveryParameterMistake) {
  const auto errors = policy_param_errors(
      spec_for("userscale-score", {{"score_up", "x"}, {"gpu_idle", "-4"}, {"sigals", "gpu"}}));
  std::vector<std::string> paths;
  for (const auto& e : errors) paths.push_back(e.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"spec.policy.params.gpu_idle", "spec.policy.params.score_up",
                                      "spec.policy.params.sigals"}));
  EXPECT_TRUE(policy_param_errors(spec_for("latency")).empty());
}

TEST(PolicyRegistry, AnUnknownNameSuggestsTheClosest) {
  auto policy = make_policy(spec_for("ewmaa"), HpaSettings{});
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.error().to_string(),
            "spec.policy.name: unknown policy \"ewmaa\" (did you mean \"ewma\"?); known: hpa, "
            "hpa-gpu, userscale-score, ewma, latency, kpa, gpuaware, oracle");
  EXPECT_EQ(policy_param_errors(spec_for("ewmaa")).size(), 1u);
}

TEST(PolicyRegistry, EveryNameBuildsItsOwnPolicyButTheSimulatorOnlyOracle) {
  for (const std::string name : {"hpa", "hpa-gpu", "kpa", "gpuaware"}) {
    auto policy = make_policy(spec_for(name), HpaSettings{});
    ASSERT_TRUE(policy.ok()) << name << ": " << policy.error().to_string();
    EXPECT_EQ((*policy)->name(), name);
  }
  auto oracle = make_policy(spec_for("oracle"), HpaSettings{});
  ASSERT_FALSE(oracle.ok());
  EXPECT_EQ(oracle.error().to_string(),
            "spec.policy.name: policy oracle runs only in the simulator: it reads the future load");
  EXPECT_TRUE(policy_param_errors(spec_for("oracle")).empty());
  AutoscalerSpec bad = spec_for("oracle");
  bad.policy.params["slo_attainment"] = "1.5";
  const auto errors = policy_param_errors(bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "spec.policy.params.slo_attainment");
}

ServingSignals every_signal(double level) {
  // `level` 0 is idle, 1 is at every target of every seed policy, 10 is far past critical.
  ServingSignals s;
  s.in_flight = 8 * level;
  s.queued = 0;
  s.concurrent_users = 10 * level;
  s.cpu_utilization = 50 * level;
  s.gpu_utilization = std::min(100.0, 70 * level);
  s.latency_mean_ms = 500 * level;
  s.completion_rate = level > 0 ? 5 : 0;
  return s;
}

// Runs `policy` through the reconcile for `ticks` ticks of `sync` seconds, applying each
// decision; returns every count it chose.
std::vector<std::int32_t> run(const std::string& name, std::int32_t start, double level, int ticks,
                              bool missing = false) {
  const AutoscalerSpec spec = spec_for(name);
  auto policy = make_policy(spec, HpaSettings{});
  EXPECT_TRUE(policy.ok());
  BehaviorState state;
  std::int32_t replicas = start;
  std::vector<std::int32_t> chosen;
  for (int i = 0; i < ticks; ++i) {
    ServingSignals s = missing ? ServingSignals{} : every_signal(level);
    const Decision d = reconcile(**policy, spec, HpaSettings{}, state,
                                 observation(5.0 * i, replicas, same(replicas, s)));
    replicas = d.desired_replicas;
    chosen.push_back(replicas);
  }
  return chosen;
}

TEST(SeedPolicies, NeverLeaveMinAndMax) {
  for (const auto& name : kSeedPolicies) {
    for (double level : {0.0, 0.2, 10.0}) {
      for (std::int32_t replicas : run(name, 3, level, 60)) {
        EXPECT_GE(replicas, 2) << name << " at load " << level;
        EXPECT_LE(replicas, 5) << name << " at load " << level;
      }
    }
    // The extremes are reached: the policies do move.
    EXPECT_EQ(run(name, 3, 10.0, 60).back(), 5) << name;
    EXPECT_EQ(run(name, 3, 0.0, 60).back(), 2) << name;
  }
}

TEST(SeedPolicies, NeverScaleDownOnMissingMetrics) {
  for (const auto& name : kSeedPolicies) {
    for (std::int32_t replicas : run(name, 4, 0, 30, /*missing=*/true)) {
      EXPECT_EQ(replicas, 4) << name;
    }
  }
}

TEST(SeedPolicies, NeverScaleDownOnStaleMetrics) {
  for (const auto& name : kSeedPolicies) {
    const AutoscalerSpec spec = spec_for(name);
    auto policy = make_policy(spec, HpaSettings{});
    ASSERT_TRUE(policy.ok());
    BehaviorState state;
    for (int i = 0; i < 30; ++i) {
      const Time now = 1000 + 5.0 * i;
      Observation obs = observation(now, 4, same(4, every_signal(0.1)));
      obs.pods[i % 4].serving.sample_time = now - 16;  // one pod's scrape is 3 syncs old
      const Decision d = reconcile(**policy, spec, HpaSettings{}, state, obs);
      EXPECT_EQ(d.desired_replicas, 4) << name << " tick " << i << ": " << d.reason;
    }
  }
}

}  // namespace
}  // namespace userscale
