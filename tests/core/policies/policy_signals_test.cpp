// The signal readings the seed policies share: which pods count, staleness, GPU sharing,
// request-weighted latency, and the parameter reader.
#include "core/policies/policy_signals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/policies/policy_params.h"
#include "core/policies/scaling_memory.h"
#include "core/policies/seed_policy_test_support.h"

namespace userscale {
namespace {

using testing::observation;
using testing::serving_pod;

ServingSignals cpu(double v) {
  ServingSignals s;
  s.cpu_utilization = v;
  return s;
}

std::optional<double> cpu_of(const ServingSignals& s) {
  return s.cpu_utilization;
}

TEST(PolicySignals, OnlyRunningReadyUndeletedPodsCount) {
  Observation obs = observation(100, 4, {cpu(80), cpu(60), cpu(0), cpu(0)});
  obs.pods[2].ready->status = ConditionStatus::False;  // starting: takes no traffic
  obs.pods[3].deleting = true;                         // terminating
  PodInfo pending = serving_pod("p4", 100, cpu(0));
  pending.phase = PodPhase::Pending;
  obs.pods.push_back(pending);

  const SignalReading r = read_pod_mean(obs, 45, cpu_of);
  EXPECT_EQ(r.serving, 2);
  EXPECT_EQ(r.reporting, 2);
  ASSERT_TRUE(r.value);
  EXPECT_DOUBLE_EQ(*r.value, 70.0);  // (80 + 60) / 2: the idle, unready pods do not dilute it
  EXPECT_TRUE(r.complete());
}

TEST(PolicySignals, MissingMalformedAndStaleValuesMakeTheReadingIncomplete) {
  Observation obs = observation(100, 4, {cpu(80), ServingSignals{}, cpu(40), cpu(-1)});
  obs.pods[2].serving.sample_time = 100 - 46;  // older than the 45 s bound
  const SignalReading r = read_pod_mean(obs, 45, cpu_of);
  EXPECT_EQ(r.serving, 4);
  EXPECT_EQ(r.reporting, 1);
  EXPECT_EQ(r.missing, 2);  // absent, and negative
  EXPECT_EQ(r.stale, 1);
  ASSERT_TRUE(r.value);
  EXPECT_DOUBLE_EQ(*r.value, 80.0);
  EXPECT_FALSE(r.complete());
  EXPECT_EQ(r.doubt(), "2 of 4 pods missing, 1 of 4 pods stale");

  obs.pods[2].serving.sample_time = 100 - 45;  // exactly at the bound: still fresh
  EXPECT_EQ(read_pod_mean(obs, 45, cpu_of).stale, 0);

  const SignalReading none = read_pod_mean(observation(100, 1, {}), 45, cpu_of);
  EXPECT_FALSE(none.value);
  EXPECT_EQ(none.doubt(), "no serving pods");
}

TEST(PolicySignals, NanAndInfinityAreMissing) {
  const Observation obs =
      observation(0, 2, {cpu(std::numeric_limits<double>::quiet_NaN()), cpu(INFINITY)});
  const SignalReading r = read_pod_mean(obs, 45, cpu_of);
  EXPECT_EQ(r.missing, 2);
  EXPECT_FALSE(r.value);
}

TEST(PolicySignals, RequestPressureIsInFlightPlusQueuedPerPod) {
  ServingSignals a, b, c;
  a.in_flight = 6;
  a.queued = 4;
  b.in_flight = 2;  // no queue reported: counts as none
  c.queued = 3;     // no in_flight: missing
  const SignalReading r = read_concurrent_requests(observation(0, 3, {a, b, c}), 45);
  EXPECT_EQ(r.reporting, 2);
  EXPECT_EQ(r.missing, 1);
  EXPECT_DOUBLE_EQ(*r.value, 6.0);  // (10 + 2) / 2
}

TEST(PolicySignals, APhysicalGpuSharedByReplicasCountsOnce) {
  Observation obs = observation(100, 4, testing::same(4, {}));
  GpuInfo a, b;
  a.uuid = "GPU-a";
  a.utilization = 90;
  a.pods = {"p0", "p1", "p2"};  // three time-sliced replicas on one card
  a.sample_time = 99;
  b.uuid = "GPU-b";
  b.utilization = 50;
  b.sample_time = 99;
  obs.pods[3].gpu_uuid = "GPU-b";  // found by uuid rather than by the pod list
  obs.gpus = {a, b};
  const SignalReading r = read_gpu_utilization(obs, 45);
  EXPECT_EQ(r.reporting, 4);
  ASSERT_TRUE(r.value);
  EXPECT_DOUBLE_EQ(*r.value, 70.0);  // (90 + 50) / 2, not (3 x 90 + 50) / 4

  obs.gpus[1].sample_time = 10;  // stale card
  const SignalReading stale = read_gpu_utilization(obs, 45);
  EXPECT_EQ(stale.stale, 1);
  EXPECT_DOUBLE_EQ(*stale.value, 90.0);
}

TEST(PolicySignals, GpuFallsBackToThePodsOwnReading) {
  ServingSignals s;
  s.gpu_utilization = 30;
  const SignalReading r = read_gpu_utilization(observation(0, 2, {s, {}}), 45);
  EXPECT_EQ(r.reporting, 1);
  EXPECT_EQ(r.missing, 1);
  EXPECT_DOUBLE_EQ(*r.value, 30.0);
}

TEST(PolicySignals, LatencyIsRequestWeighted) {
  ServingSignals fast, slow;
  fast.latency_mean_ms = 100;
  fast.completion_rate = 30;
  slow.latency_mean_ms = 400;
  slow.completion_rate = 10;
  const SignalReading r = read_latency_ms(observation(0, 2, {fast, slow}), 45);
  // (100 x 30 + 400 x 10) / 40 = 175, not the pod mean 250.
  EXPECT_DOUBLE_EQ(*r.value, 175.0);

  slow.completion_rate.reset();  // a rate is missing: plain mean over pods
  EXPECT_DOUBLE_EQ(*read_latency_ms(observation(0, 2, {fast, slow}), 45).value, 250.0);
}

TEST(PolicySignals, IdlePodsAreKnownButBusyPodsWithoutLatencyAreMissing) {
  ServingSignals idle, busy, served;
  idle.completion_rate = 0;
  idle.in_flight = 0;
  busy.completion_rate = 0;
  busy.in_flight = 3;  // requests running, none finished: they may be very slow
  served.latency_mean_ms = 300;
  served.completion_rate = 5;

  const SignalReading all_idle = read_latency_ms(observation(0, 2, {idle, idle}), 45);
  EXPECT_TRUE(all_idle.idle);
  EXPECT_TRUE(all_idle.complete());
  EXPECT_DOUBLE_EQ(*all_idle.value, 0.0);

  const SignalReading mixed = read_latency_ms(observation(0, 2, {idle, served}), 45);
  EXPECT_FALSE(mixed.idle);
  EXPECT_TRUE(mixed.complete());
  EXPECT_DOUBLE_EQ(*mixed.value, 300.0);

  const SignalReading with_busy = read_latency_ms(observation(0, 2, {busy, served}), 45);
  EXPECT_EQ(with_busy.missing, 1);
  EXPECT_FALSE(with_busy.complete());
}

TEST(PolicySignals, ProposalsStayBetweenOneAndTheCeiling) {
  EXPECT_EQ(clamp_proposal(0), 1);
  EXPECT_EQ(clamp_proposal(-5), 1);
  EXPECT_EQ(clamp_proposal(std::numeric_limits<double>::quiet_NaN()), 1);
  EXPECT_EQ(clamp_proposal(1e300), kMaxProposedReplicas);
  EXPECT_EQ(clamp_proposal(7), 7);
  const double dusty = 0.1 * 3 * 10;  // 3.0000000000000004 in doubles
  EXPECT_EQ(std::ceil(dusty), 4);
  EXPECT_EQ(ceil_tolerant(dusty), 3);
  EXPECT_EQ(ceil_tolerant(2.5), 3);
}

TEST(PolicySignals, FormatsValuesForReasons) {
  EXPECT_EQ(format_fixed(75.2, 1), "75.2");
  EXPECT_EQ(format_fixed(25.0, 1), "25");
  EXPECT_EQ(format_fixed(245.1, 0), "245");
  EXPECT_EQ(format_optional(std::nullopt, 1, "%"), "n/a");
  EXPECT_EQ(format_optional(61.26, 1, "%"), "61.3%");
}

TEST(ParamReader, ReadsTypedValuesAndKeepsDefaults) {
  const ParamMap params = {
      {"a", "0.25"}, {"n", "3"}, {"d", "1m30s"}, {"s", "45"}, {"l", "cpu, gpu"}};
  ParamReader reader(params);
  double a = 1, untouched = 7;
  std::int32_t n = 0;
  Duration d = 0, s = 0;
  std::vector<std::string> l = {"x"};
  reader.number("a", a, Bounds::open_closed(0, 1));
  reader.number("absent", untouched, Bounds::greater_than(0));
  reader.integer("n", n, 1, 10);
  reader.duration("d", d, Bounds::at_least(0));
  reader.duration("s", s, Bounds::at_least(0));
  reader.name_list("l", l, {"cpu", "gpu", "users"});
  EXPECT_TRUE(reader.finish().empty());
  EXPECT_DOUBLE_EQ(a, 0.25);
  EXPECT_DOUBLE_EQ(untouched, 7);
  EXPECT_EQ(n, 3);
  EXPECT_DOUBLE_EQ(d, 90);
  EXPECT_DOUBLE_EQ(s, 45);
  EXPECT_EQ(l, (std::vector<std::string>{"cpu", "gpu"}));
}

TEST(ParamReader, ReportsEveryMistakeWithItsPath) {
  const ParamMap params = {{"alpha", "1.5"},  {"beta", "x"},  {"n", "2.5"},
                           {"l", "cpu,gpus"}, {"aplha", "1"}, {"d", "soon"}};
  ParamReader reader(params);
  double alpha = 0.6, beta = 0;
  std::int32_t n = 0;
  Duration d = 0;
  std::vector<std::string> l;
  reader.number("alpha", alpha, Bounds::open_closed(0, 1));
  reader.number("beta", beta, Bounds::greater_than(0));
  reader.integer("n", n, 1, 10);
  reader.name_list("l", l, {"cpu", "gpu"});
  reader.duration("d", d, Bounds::at_least(0));
  std::vector<std::string> messages;
  for (const Error& e : reader.finish()) messages.push_back(e.to_string());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "spec.policy.params.alpha: must be in (0, 1], got 1.5",
                          "spec.policy.params.beta: must be a number, got \"x\"",
                          "spec.policy.params.n: must be a whole number, got \"2.5\"",
                          "spec.policy.params.l: unknown name \"gpus\" (did you mean \"gpu\"?); "
                          "known: cpu, gpu",
                          "spec.policy.params.d: must be seconds or a duration such as \"30s\" "
                          "or \"1m\", got \"soon\"",
                          "spec.policy.params.aplha: unknown parameter (did you mean "
                          "\"alpha\"?)"}));
  EXPECT_DOUBLE_EQ(alpha, 0.6);  // a rejected value leaves the default
}

TEST(ScalingMemory, CountsObservedChangesNotProposals) {
  ScalingMemory m;
  m.observe(0, 1);
  m.proposed(0, 1, 3);
  m.observe(5, 3);  // our proposal happened: dated when proposed
  EXPECT_EQ(m.last_change(), 0.0);
  EXPECT_EQ(m.last_direction(), ScaleDirection::Up);
  EXPECT_EQ(m.consecutive(), 1);

  m.proposed(10, 3, 7);
  m.observe(15, 3);  // clamped away by maxReplicas: not a scaling
  EXPECT_EQ(m.last_change(), 0.0);
  EXPECT_EQ(m.consecutive(), 1);

  m.observe(20, 4);  // someone else scaled: dated when first seen
  EXPECT_EQ(m.last_change(), 20.0);
  EXPECT_EQ(m.consecutive(), 2);
  EXPECT_EQ(*m.since_last_change(26), 6.0);

  m.observe(25, 2);  // the other direction starts a new run
  EXPECT_EQ(m.last_direction(), ScaleDirection::Down);
  EXPECT_EQ(m.consecutive(), 1);
  m.end_run();
  EXPECT_EQ(m.consecutive(), 0);
}

}  // namespace
}  // namespace userscale
