// The hpa policy on the worked examples of reference/hpa-spec.md, built as observations.
#include "core/policies/hpa.h"

#include <gtest/gtest.h>

#include "core/policies/hpa_replica_calculator.h"
#include "core/reconcile.h"

namespace userscale {
namespace {

constexpr Time kNow = 1000000;

struct PodFixture {
  std::string name;
  std::int64_t cpu_request = 0;
  std::optional<std::int64_t> cpu_usage;
  bool ready = true;
  PodPhase phase = PodPhase::Running;
  Time started = kNow - 3600;
};

Observation observe(const std::vector<PodFixture>& pods, std::int32_t replicas) {
  Observation o;
  o.now = kNow;
  o.scale = {replicas, replicas, "app=web"};
  o.pod_metrics = std::vector<PodResourceMetrics>{};
  for (const auto& f : pods) {
    PodInfo p;
    p.name = f.name;
    p.phase = f.phase;
    p.start_time = f.started;
    p.ready =
        PodReadyCondition{f.ready ? ConditionStatus::True : ConditionStatus::False, f.started + 10};
    p.containers = {{"app", {{"cpu", f.cpu_request}}}};
    o.pods.push_back(p);
    if (f.cpu_usage) {
      o.pod_metrics->push_back({f.name, kNow - 15, 60, {{"app", {{"cpu", *f.cpu_usage}}}}});
    }
  }
  return o;
}

MetricSpec cpu_utilization(std::int32_t target) {
  MetricSpec m;
  m.type = MetricSourceType::Resource;
  m.name = "cpu";
  m.target.type = MetricTargetType::Utilization;
  m.target.average_utilization = target;
  return m;
}

HpaSettings testing_settings() {
  HpaSettings s;
  s.cpu_initialization_period = 120;
  s.initial_readiness_delay = 10;
  return s;
}

TEST(HpaReplicaCalculator, MissingMetricsOnScaleDownCountAtFullRequest) {
  // TestReplicaCalcMissingMetrics: 4 pods, 2 report 800m and 190m of 2000m, target 100 % -> 3.
  auto obs = observe({{"p0", 2000, 800}, {"p1", 2000, 190}, {"p2", 2000, {}}, {"p3", 2000, {}}}, 4);
  auto r = hpa::resource_utilization_replicas(obs, 4, 100, "cpu", "", testing_settings(),
                                              hpa::Tolerances{});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->replicas, 3);
  EXPECT_EQ(*r->current.average_utilization, 24);
}

TEST(HpaReplicaCalculator, UnreadyPodsCountAsZeroOnScaleUp) {
  // TestReplicaCalcScaleUpUnreadyLessScale: 600/1000/1400 of 2000, pod 0 unready, 30 % -> 4.
  auto obs = observe({{"p0", 2000, 600, false}, {"p1", 2000, 1000}, {"p2", 2000, 1400}}, 3);
  // Pod 0 never became ready after it started: its Ready=False transition is at start.
  obs.pods[0].ready->last_transition_time = obs.pods[0].start_time;
  auto r = hpa::resource_utilization_replicas(obs, 3, 30, "cpu", "", testing_settings(),
                                              hpa::Tolerances{});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(*r->current.average_utilization, 60);
}

TEST(HpaReplicaCalculator, CpuInitializationPeriodSetsAsideFreshSamples) {
  // hpa-spec §3: started 200 s ago, Ready since 30 s, sample 15 s old over 60 s -> unready
  // under the 300 s default; counted under a 120 s period.
  auto obs = observe({{"p0", 1000, 900}, {"p1", 1000, 900}}, 2);
  for (auto& p : obs.pods) {
    p.start_time = kNow - 200;
    p.ready->last_transition_time = kNow - 30;
  }
  HpaSettings defaults;
  auto groups = hpa::group_pods(obs, {{"p0", {900, kNow - 15, 60}}, {"p1", {900, kNow - 15, 60}}},
                                true, defaults);
  EXPECT_EQ(groups.ready_count, 0);
  EXPECT_EQ(groups.unready.size(), 2u);
  auto groups120 = hpa::group_pods(
      obs, {{"p0", {900, kNow - 15, 60}}, {"p1", {900, kNow - 15, 60}}}, true, testing_settings());
  EXPECT_EQ(groups120.ready_count, 2);
}

TEST(HpaReplicaCalculator, FailedAndDeletingPodsAreIgnored) {
  auto obs = observe(
      {{"p0", 1000, 1000}, {"p1", 1000, 5000, true, PodPhase::Failed}, {"p2", 1000, 5000}}, 3);
  obs.pods[2].deleting = true;
  auto r = hpa::resource_utilization_replicas(obs, 3, 50, "cpu", "", testing_settings(),
                                              hpa::Tolerances{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->current.average_utilization, 100);
  EXPECT_EQ(r->replicas, 2);  // ceil(2.0 x 1 ready pod)
}

TEST(HpaReplicaCalculator, MissingRequestIsAnError) {
  auto obs = observe({{"p0", 1000, 500}}, 1);
  obs.pods[0].containers[0].requests_milli.clear();
  auto r = hpa::resource_utilization_replicas(obs, 1, 50, "cpu", "", testing_settings(),
                                              hpa::Tolerances{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing request for cpu"), std::string::npos);
}

TEST(HpaReplicaCalculator, PodsMetricIgnoresReadinessForNonCpu) {
  // TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: 50/15/30 qps, target 15 -> 7.
  auto obs = observe({{"p0", 1000, {}, false}, {"p1", 1000, {}}, {"p2", 1000, {}, false}}, 3);
  for (auto [name, v] : {std::pair{"p0", 50000}, {"p1", 15000}, {"p2", 30000}}) {
    obs.custom_metrics.push_back({"Pod", name, "qps", v, kNow - 10, std::nullopt});
  }
  MetricSpec m;
  m.type = MetricSourceType::Pods;
  m.name = "qps";
  m.target = {MetricTargetType::AverageValue, std::nullopt, std::nullopt, 15000};
  auto r = hpa::pods_metric_replicas(obs, 3, m, testing_settings(), hpa::Tolerances{});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->replicas, 7);
  EXPECT_EQ(*r->current.average_value_milli, 31666);
}

TEST(HpaReplicaCalculator, ObjectValueUsesReadyPods) {
  // TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: value 50, target 10, 1 of 3 ready -> 5.
  auto obs = observe({{"p0", 1000, {}, false}, {"p1", 1000, {}}, {"p2", 1000, {}, false}}, 3);
  obs.custom_metrics.push_back({"Deployment", "frontend", "qps", 50000, kNow, std::nullopt});
  MetricSpec m;
  m.type = MetricSourceType::Object;
  m.name = "qps";
  m.described_object = {"apps/v1", "Deployment", "frontend"};
  m.target = {MetricTargetType::Value, std::nullopt, 10000, std::nullopt};
  auto r = hpa::object_metric_replicas(obs, 3, m, hpa::Tolerances{});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->replicas, 5);
}

TEST(HpaReplicaCalculator, ExternalAverageValueUsesStatusReplicas) {
  // TestReplicaCalcScaleUpPerPodCMExternal: sum 8.6, target 2.15/pod, 3 replicas -> 4, avg 2867m.
  auto obs = observe({{"p0", 1000, {}}, {"p1", 1000, {}}, {"p2", 1000, {}}}, 3);
  obs.external_metrics.push_back({"qps", {{"label", "value"}}, 8600, kNow});
  obs.external_metrics.push_back({"qps", {{"label", "other"}}, 100000, kNow});
  MetricSpec m;
  m.type = MetricSourceType::External;
  m.name = "qps";
  m.selector = LabelSelector{{{"label", "value"}}, {}};
  m.target = {MetricTargetType::AverageValue, std::nullopt, std::nullopt, 2150};
  auto r = hpa::external_metric_replicas(obs, 3, m, hpa::Tolerances{});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(*r->current.average_value_milli, 2867);
}

TEST(HpaReplicaCalculator, ScaleFromZeroIgnoresTolerance) {
  auto obs = observe({}, 0);
  obs.external_metrics.push_back({"queue", {}, 1050, kNow});
  MetricSpec m;
  m.type = MetricSourceType::External;
  m.name = "queue";
  m.target = {MetricTargetType::Value, std::nullopt, 1000, std::nullopt};
  auto r = hpa::external_metric_replicas(obs, 0, m, hpa::Tolerances{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->replicas, 2);  // ceil(1.05), no tolerance when at zero
}

TEST(HpaTolerance, PerDirectionOverrides) {
  // hpa-spec §5: r = 1.08 stays within the default, not within scaleUp.tolerance 0.05.
  AutoscalerSpec spec;
  HpaSettings s;
  EXPECT_TRUE(hpa::tolerances_for(spec, s).within(1.08));
  spec.behavior = Behavior{};
  spec.behavior->scale_up = ScalingRules{};
  spec.behavior->scale_up->tolerance = 0.05;
  spec.behavior->scale_down = ScalingRules{};
  spec.behavior->scale_down->tolerance = 0.2;
  auto t = hpa::tolerances_for(spec, s);
  EXPECT_FALSE(t.within(1.08));
  EXPECT_TRUE(t.within(0.85));
}

TEST(HpaPolicy, PartialFailureNeverScalesDown) {
  // TestNoScaleDownOneMetricEmpty: cpu says 3 of 5, the external metric fails -> stays 5.
  std::vector<PodFixture> pods;
  for (int i = 0; i < 5; ++i) pods.push_back({"p" + std::to_string(i), 1000, 300});
  auto obs = observe(pods, 5);
  AutoscalerSpec spec;
  spec.max_replicas = 10;
  spec.metrics.push_back(cpu_utilization(50));
  MetricSpec ext;
  ext.type = MetricSourceType::External;
  ext.name = "missing";
  ext.target = {MetricTargetType::Value, std::nullopt, 1000, std::nullopt};
  spec.metrics.push_back(ext);
  HpaPolicy policy(spec, testing_settings());
  BehaviorState st;
  Decision d = reconcile(policy, spec, testing_settings(), st, obs);
  EXPECT_EQ(d.desired_replicas, 5);
  EXPECT_FALSE(d.rescale);
  ASSERT_EQ(d.conditions.size(), 2u);
  EXPECT_EQ(d.conditions[1].reason, "FailedGetExternalMetric");
  EXPECT_EQ(d.conditions[1].status, "False");
}

TEST(HpaPolicy, PartialFailureStillScalesUp) {
  std::vector<PodFixture> pods;
  for (int i = 0; i < 3; ++i) pods.push_back({"p" + std::to_string(i), 1000, 700});
  auto obs = observe(pods, 3);
  AutoscalerSpec spec;
  spec.max_replicas = 10;
  spec.metrics.push_back(cpu_utilization(50));
  MetricSpec unknown;
  unknown.type = MetricSourceType::Unknown;
  unknown.type_name = "CheddarCheese";
  spec.metrics.push_back(unknown);
  HpaPolicy policy(spec, testing_settings());
  BehaviorState st;
  st.known = true;
  Decision d = reconcile(policy, spec, testing_settings(), st, obs);
  EXPECT_EQ(d.desired_replicas, 5);  // ceil(1.4 x 3)
  EXPECT_EQ(d.recommendation.metrics[1].error_reason, "InvalidMetricSourceType");
}

TEST(HpaReconcile, OutsideMinMaxShortcuts) {
  AutoscalerSpec spec;
  spec.min_replicas = 2;
  spec.max_replicas = 5;
  spec.metrics.push_back(cpu_utilization(50));
  HpaPolicy policy(spec, HpaSettings{});
  BehaviorState st;
  Decision above = reconcile(policy, spec, HpaSettings{}, st, observe({}, 6));
  EXPECT_EQ(above.desired_replicas, 5);
  EXPECT_FALSE(above.metrics_evaluated);
  ASSERT_EQ(above.conditions.size(), 1u);
  EXPECT_EQ(above.conditions[0].reason, "SucceededRescale");
  Decision below = reconcile(policy, spec, HpaSettings{}, st, observe({}, 1));
  EXPECT_EQ(below.desired_replicas, 2);
  Decision disabled = reconcile(policy, spec, HpaSettings{}, st, observe({}, 0));
  EXPECT_EQ(disabled.desired_replicas, 0);
  EXPECT_EQ(disabled.conditions[1].reason, "ScalingDisabled");
}

TEST(HpaReconcile, FirstSightHoldsScaleDown) {
  std::vector<PodFixture> pods;
  for (int i = 0; i < 4; ++i) pods.push_back({"p" + std::to_string(i), 1000, 100});
  AutoscalerSpec spec;
  spec.max_replicas = 10;
  spec.metrics.push_back(cpu_utilization(50));
  HpaPolicy policy(spec, testing_settings());
  BehaviorState fresh;  // unknown HPA: seeded with the current count
  EXPECT_EQ(reconcile(policy, spec, testing_settings(), fresh, observe(pods, 4)).desired_replicas,
            4);
  BehaviorState known;
  known.known = true;  // known, no recent recommendations
  EXPECT_EQ(reconcile(policy, spec, testing_settings(), known, observe(pods, 4)).desired_replicas,
            1);
}

TEST(HpaReconcile, EmptySelectorIsInvalid) {
  AutoscalerSpec spec;
  spec.max_replicas = 10;
  spec.metrics.push_back(cpu_utilization(50));
  auto obs = observe({{"p0", 1000, 900}}, 1);
  obs.scale.selector.clear();
  HpaPolicy policy(spec, HpaSettings{});
  BehaviorState st;
  Decision d = reconcile(policy, spec, HpaSettings{}, st, obs);
  EXPECT_EQ(d.desired_replicas, 1);
  EXPECT_EQ(d.conditions[1].reason, "InvalidSelector");
}

}  // namespace
}  // namespace userscale
