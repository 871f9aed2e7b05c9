// The `kpa` policy adapter: observations in, recommendations out.
#include "core/policies/kpa/kpa_policy.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

PodInfo pod(std::string name, std::optional<double> in_flight, std::optional<double> queued = 0,
            bool ready = true) {
  PodInfo p;
  p.name = std::move(name);
  p.phase = PodPhase::Running;
  p.ready = PodReadyCondition{ready ? ConditionStatus::True : ConditionStatus::False, 0};
  p.serving.in_flight = in_flight;
  p.serving.queued = in_flight ? queued : std::nullopt;
  return p;
}

Observation at(Time now, std::vector<PodInfo> pods) {
  Observation o;
  o.now = now;
  o.pods = std::move(pods);
  o.scale.spec_replicas = static_cast<std::int32_t>(o.pods.size());
  return o;
}

std::unique_ptr<KpaPolicy> policy(std::map<std::string, std::string> params) {
  auto p = KpaPolicy::from_params(params);
  EXPECT_TRUE(p) << (p ? "" : p.error().to_string());
  return std::move(p).value();
}

TEST(KpaPolicy, SumsInFlightAndQueuedOverReadyPods) {
  auto p = policy({{"target", "10"}, {"target-utilization-percentage", "100"}});
  // 12 + 3 and 20 + 0; the unready pod's 100 does not count.
  Recommendation r =
      p->recommend(at(100, {pod("a", 12, 3), pod("b", 20, 0), pod("c", 100, 0, /*ready=*/false)}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 4);  // ceil(35 / 10)
  ASSERT_EQ(r.metrics.size(), 2u);
  EXPECT_EQ(r.metrics[0].name, "stable concurrency");
  EXPECT_EQ(r.metrics[0].value, 35);
  EXPECT_EQ(r.metrics[0].target, 10);
  EXPECT_EQ(r.metrics[0].proposed_replicas, 4);
  EXPECT_EQ(r.metrics[1].name, "panic concurrency");
  EXPECT_FALSE(r.reason.empty());
  EXPECT_EQ(p->decider()->last_trace().ready_pods, 2);
}

TEST(KpaPolicy, UsesArrivalRateForRps) {
  auto p = policy({{"metric", "rps"}, {"target", "5"}, {"target-utilization-percentage", "100"}});
  PodInfo a = pod("a", 1);
  a.serving.arrival_rate = 12;
  PodInfo b = pod("b", 1);
  b.serving.arrival_rate = 9;
  Recommendation r = p->recommend(at(10, {a, b}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.metrics[0].value, 21);
  EXPECT_EQ(r.desired_replicas, 5);  // ceil(21 / 5)
}

TEST(KpaPolicy, MissingMetricIsNotADecision) {
  auto p = policy({{"target", "10"}});
  Recommendation r = p->recommend(at(10, {pod("a", std::nullopt), pod("b", std::nullopt)}));
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.desired_replicas, 2);  // the current count, never a scale-down
  EXPECT_NE(r.reason.find("no ready pod reports concurrency"), std::string::npos);
  ASSERT_EQ(r.metrics.size(), 2u);
  EXPECT_TRUE(r.metrics[0].error);
}

TEST(KpaPolicy, PodsWithoutTheMetricCountAtTheReportersAverage) {
  auto p = policy({{"target", "10"},
                   {"target-utilization-percentage", "100"},
                   {"panic-threshold-percentage", "1000"}});
  Recommendation r = p->recommend(at(10, {pod("a", 30), pod("b", std::nullopt)}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.metrics[0].value, 60);  // 30 scaled to the 2 ready pods
}

TEST(KpaPolicy, ZeroReadyPodsUseTheLoadBalancerQueue) {
  auto p = policy({{"target", "10"}, {"target-utilization-percentage", "100"}});
  Observation o = at(10, {});
  o.service.queued = 25;
  Recommendation r = p->recommend(o);
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
}

TEST(KpaPolicy, SparseObservationsHoldTheirValueInsteadOfCountingZeros) {
  auto p = policy({{"target", "10"},
                   {"target-utilization-percentage", "100"},
                   {"panic-threshold-percentage", "1000"}});
  p->recommend(at(0, {pod("a", 40)}));
  Recommendation r = p->recommend(at(15, {pod("a", 40)}));  // a 15 s sync period
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.metrics[0].value, 40);  // not 80 / 16
  EXPECT_EQ(r.desired_replicas, 4);
}

TEST(KpaPolicy, TwoObservationsInOneSecondDoNotAddUp) {
  auto p = policy({{"target", "10"},
                   {"target-utilization-percentage", "100"},
                   {"panic-threshold-percentage", "1000"}});
  p->recommend(at(4.1, {pod("a", 40)}));
  Recommendation r = p->recommend(at(4.6, {pod("a", 40)}));
  EXPECT_EQ(r.metrics[0].value, 40);
}

TEST(KpaPolicy, StartsInPanicWhenCreatedWithSeveralReadyPods) {
  auto p = policy({{"target", "10"}, {"target-utilization-percentage", "100"}});
  Recommendation r = p->recommend(at(0, {pod("a", 0), pod("b", 0), pod("c", 0)}));
  ASSERT_TRUE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);  // held: no history yet
  EXPECT_TRUE(p->decider()->in_panic());
  EXPECT_NE(r.reason.find("panic"), std::string::npos);
}

TEST(KpaPolicy, PanicReason) {
  auto p = policy({{"target", "70"}, {"target-utilization-percentage", "100"}});
  p->recommend(at(0, {pod("a", 70)}));
  Recommendation r = p->recommend(at(2, {pod("a", 700), pod("b", 0)}));
  EXPECT_TRUE(p->decider()->in_panic());
  EXPECT_EQ(r.reason.rfind("panic", 0), 0u) << r.reason;
}

TEST(KpaPolicy, BadParamsNameTheKnob) {
  auto p = KpaPolicy::from_params({{"stable-window", "5s"}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().path, "stable-window");
  auto q = KpaPolicy::from_params({{"targt", "10"}});
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().to_string(), "targt: unknown knob");
}

}  // namespace
}  // namespace userscale
