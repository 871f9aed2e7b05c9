// Policy `gpuaware` on synthetic observations: the seed's failure (time-sliced replicas on a
// saturated GPU), capacity on the way, memory, doubt, hysteresis, bounds and prediction.
#include "core/policies/gpuaware/gpuaware_policy.h"

#include <gtest/gtest.h>

#include "core/policies/gpuaware/gpuaware_test_support.h"
#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

using namespace gpuaware_testing;

GpuAwarePolicy policy(const ParamMap& params = {}) {
  auto p = parse_gpuaware_params(params, 5);
  EXPECT_TRUE(p.ok()) << p.error().to_string();
  return GpuAwarePolicy(*p);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `n` replicas named p0.. without a GPU the world shows (each its own), each an M/M/1 of
// capacity 10 at 5 req/s; the service sees `arrivals`.
Observation plain(Time now, std::int32_t replicas, int n, double arrivals, double mu = 10) {
  std::vector<PodInfo> pods;
  for (int i = 0; i < n; ++i) pods.push_back(serving("p" + std::to_string(i), now, "", mm1(mu, 5)));
  return observation(now, replicas, pods, {}, arrivals);
}

const MetricProposal* metric(const Recommendation& r, const std::string& name) {
  for (const auto& m : r.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// The seed's GTX 1650: one time-sliced GPU whose replicas are all busy. gpu-0 holds p0 (and p1
// when `second` is "starting" or "serving"); gpu-1, an empty T4, is listed when `spare`.
Observation seed_gpu(Time now, std::int32_t replicas, const std::string& second, bool spare) {
  std::vector<PodInfo> pods;
  std::vector<std::string> on_gpu0 = {"p0"};
  if (second == "serving") {
    // Two replicas share the card: together they complete what one did (4 req/s).
    pods.push_back(serving("p0", now, "gpu-0", load(2, 5000, 10)));
    pods.push_back(serving("p1", now, "gpu-0", load(2, 5000, 10)));
    on_gpu0.push_back("p1");
  } else {
    pods.push_back(serving("p0", now, "gpu-0", load(4, 5000, 20)));  // mu = 4 x 21/20 = 4.2
    if (second == "starting") {
      pods.push_back(starting("p1", now, "gpu-0"));
      on_gpu0.push_back("p1");
    }
  }
  std::vector<GpuInfo> gpus = {gpu("gpu-0", on_gpu0, now)};
  if (spare) gpus.push_back(gpu("gpu-1", {}, now));
  return observation(now, replicas, pods, gpus, 8);
}

TEST(GpuAwarePolicy, AnotherSliceOnASaturatedGpuAddsNothing) {
  GpuAwarePolicy p = policy();
  // 8 req/s arrive; one replica does 4.2, congested. The SLO wants four. GPU utilization
  // reads 100 %: not what decides. First gpu-0 is measured (2 samples, 20 completions), or a
  // second replica there could not be judged.
  Recommendation r = p.recommend(seed_gpu(0, 1, "", false));
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "measuring gpu-0 before sharing it further")) << r.reason;
  // Measured: one probe replica, not six.
  r = p.recommend(seed_gpu(5, 1, "", false));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  EXPECT_TRUE(contains(r.reason, "waiting to see what the last replica on gpu-0 adds")) << r.reason;
  // While it starts, and until its effect is measured, nothing more is asked for.
  for (Time t = 10; t <= 15; t += 5) {
    r = p.recommend(seed_gpu(t, 2, "starting", false));
    EXPECT_EQ(r.desired_replicas, 2) << t << ": " << r.reason;
  }
  for (Time t = 20; t < 50; t += 5) {
    r = p.recommend(seed_gpu(t, 2, "serving", false));
    EXPECT_EQ(r.desired_replicas, 2) << t << ": " << r.reason;
  }
  // Measured (settled at 40, three samples): the second replica added nothing. It goes, and
  // the reason says why no more.
  r = p.recommend(seed_gpu(50, 2, "serving", false));
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "1 replica adds nothing on a saturated GPU")) << r.reason;
  EXPECT_TRUE(contains(r.reason, "no unsaturated GPU: ")) << r.reason;
  EXPECT_TRUE(contains(r.reason, "on gpu-0 would add nothing (saturated at 1 replica")) << r.reason;
  // Back at one replica: no further scale-up on gpu-0.
  for (Time t = 55; t <= 70; t += 5) {
    r = p.recommend(seed_gpu(t, 1, "", false));
    EXPECT_TRUE(r.valid);
    EXPECT_EQ(r.desired_replicas, 1) << t << ": " << r.reason;
    EXPECT_TRUE(contains(r.reason, "on gpu-0 would add nothing")) << r.reason;
  }
  // A second GPU appears: the next replica lands there, and adds capacity.
  r = p.recommend(seed_gpu(75, 1, "", true));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  const MetricProposal* usable = metric(r, "usable_capacity");
  ASSERT_TRUE(usable && usable->value);
  EXPECT_NEAR(*usable->value, 4.2, 0.3);  // what is there before the new replica
}

TEST(GpuAwarePolicy, APackingSchedulerWouldPutItOnTheSaturatedGpu) {
  // The same, told that the scheduler packs: the next replica would join gpu-0, not gpu-1.
  GpuAwarePolicy p = policy({{"placement", "packed"}});
  Recommendation r;
  for (Time t = 0; t <= 5; t += 5) r = p.recommend(seed_gpu(t, 1, "", false));
  ASSERT_EQ(r.desired_replicas, 2);
  for (Time t = 10; t <= 15; t += 5) r = p.recommend(seed_gpu(t, 2, "starting", false));
  for (Time t = 20; t <= 50; t += 5) r = p.recommend(seed_gpu(t, 2, "serving", false));
  ASSERT_EQ(r.desired_replicas, 1) << r.reason;
  r = p.recommend(seed_gpu(55, 1, "", true));
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "no unsaturated GPU")) << r.reason;
}

TEST(GpuAwarePolicy, AGpuWithRoomIsNotSharedFurther) {
  // p0 shares gpu-0 with another tenant's pod (so the scheduler shares GPUs), at half
  // utilization (mu 10 at 5 req/s), while 30 req/s arrive: more capacity is needed, but
  // whether a second replica on gpu-0 would help cannot be told while its replica is not
  // busy. A free GPU takes the next replica instead.
  auto with = [](Time now, bool spare) {
    std::vector<GpuInfo> gpus = {gpu("gpu-0", {"p0", "other-tenant"}, now)};
    if (spare) gpus.push_back(gpu("gpu-1", {}, now));
    return observation(now, 1, {serving("p0", now, "gpu-0", mm1(10, 5))}, gpus, 30);
  };
  GpuAwarePolicy p = policy();
  Recommendation r = p.recommend(with(0, false));
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "gpu-0 is not busy enough to tell whether sharing it helps"))
      << r.reason;
  r = p.recommend(with(5, true));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
}

TEST(GpuAwarePolicy, GpusNeverSeenSharedAreTakenForExclusive) {
  // p0 alone on gpu-0, the only GPU, not busy; 30 req/s need 4 replicas of 10. Nothing says
  // the scheduler shares GPUs: one replica is asked for (one at a time, as it may land on
  // gpu-0). It stays unscheduled: gpu-0 takes one pod. Then the rest go to new nodes.
  auto with = [](Time now, std::int32_t replicas, bool waiting) {
    Observation obs = observation(now, replicas, {serving("p0", now, "gpu-0", mm1(10, 5))},
                                  {gpu("gpu-0", {"p0"}, now)}, 30);
    if (waiting) obs.pods.push_back(unscheduled("p1"));
    return obs;
  };
  GpuAwarePolicy p = policy();
  Recommendation r = p.recommend(with(0, 1, false));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  r = p.recommend(with(5, 2, true));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;  // placed on gpu-0 as far as is known
  r = p.recommend(with(15, 2, true));            // unscheduled for 10 s: gpu-0 is full
  EXPECT_EQ(r.desired_replicas, 4) << r.reason;
}

TEST(GpuAwarePolicy, ReplicasOnTheWayCountAndAreNotAskedForAgain) {
  // 40 req/s, replicas of 10 req/s: p99 within 1 s needs 5 (44 req/s planned, a = 4.4,
  // ceil(4.4 / 0.9) = 5 servers already meet the tail). Two serve, two are unscheduled.
  auto with = [](Time now, std::int32_t replicas, int serving_n, int unscheduled_n,
                 int starting_n) {
    Observation obs = plain(now, replicas, serving_n, 40);
    for (int i = 0; i < unscheduled_n; ++i)
      obs.pods.push_back(unscheduled("u" + std::to_string(i)));
    for (int i = 0; i < starting_n; ++i)
      obs.pods.push_back(starting("s" + std::to_string(i), now, ""));
    return obs;
  };
  GpuAwarePolicy p = policy();
  Recommendation r = p.recommend(with(0, 4, 2, 2, 0));
  EXPECT_EQ(r.desired_replicas, 5) << r.reason;
  const MetricProposal* servers = metric(r, "replicas_for_slo");
  ASSERT_TRUE(servers && servers->proposed_replicas);
  EXPECT_EQ(*servers->proposed_replicas, 5);
  // The next ticks see the asked-for replica pending, then starting: no new ask.
  r = p.recommend(with(5, 5, 2, 3, 0));
  EXPECT_EQ(r.desired_replicas, 5) << r.reason;
  EXPECT_TRUE(contains(r.reason, "waiting for 3 replicas on the way (3 pending)")) << r.reason;
  r = p.recommend(with(10, 5, 2, 0, 3));
  EXPECT_EQ(r.desired_replicas, 5) << r.reason;
  EXPECT_TRUE(contains(r.reason, "(3 starting)")) << r.reason;

  // Without startup awareness the same ticks ask again and again.
  GpuAwarePolicy naive = policy({{"disable", "startup"}});
  EXPECT_EQ(naive.recommend(with(0, 4, 2, 2, 0)).desired_replicas, 7);
  EXPECT_EQ(naive.recommend(with(5, 7, 2, 5, 0)).desired_replicas, 10);
}

TEST(GpuAwarePolicy, NoNewGpuAfterTheSupplyTimeout) {
  // 8 req/s: 8.8 planned, 2 replicas of 10 (one already tail 0.88 e^-1.08 = 0.30).
  GpuAwarePolicy p = policy();
  auto with = [](Time now) {
    Observation obs = plain(now, 2, 1, 8);
    obs.pods.push_back(unscheduled("u0"));
    return obs;
  };
  EXPECT_EQ(p.recommend(with(0)).desired_replicas, 2);
  const Recommendation r = p.recommend(with(185));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  EXPECT_TRUE(contains(r.reason, "no new GPU: 1 pod unscheduled for 185 s")) << r.reason;
}

// gpu-0 with 4 slices, holding two busy replicas and `used` bytes of `total`.
Observation memory_case(Time now, double total, double used) {
  return observation(now, 2,
                     {serving("p0", now, "gpu-0", load(4, 5000, 20)),
                      serving("p1", now, "gpu-0", load(4, 5000, 20))},
                     {gpu("gpu-0", {"p0", "p1"}, now, total, used)}, 16);
}

TEST(GpuAwarePolicy, NeverAddsAReplicaThatWouldRunTheGpuOutOfMemory) {
  // 1.5 GiB per replica (3 GiB over 2 pods); a third would need 4.5 GiB of a 4 GiB card.
  GpuAwarePolicy p = policy({{"slices_per_gpu", "4"}});
  for (Time t = 0; t <= 20; t += 5) {
    const Recommendation r = p.recommend(memory_case(t, 4 * GiB, 3 * GiB));
    EXPECT_LE(r.desired_replicas, 2) << r.reason;
    EXPECT_TRUE(contains(r.reason, "no GPU memory: another replica would run gpu-0 out of memory"))
        << r.reason;
  }
  // On an 8 GiB card the same third replica fits (4.5 <= 0.95 x 8), and is asked for once
  // gpu-0 is measured.
  GpuAwarePolicy roomy = policy({{"slices_per_gpu", "4"}});
  EXPECT_EQ(roomy.recommend(memory_case(0, 8 * GiB, 3 * GiB)).desired_replicas, 2);
  EXPECT_EQ(roomy.recommend(memory_case(5, 8 * GiB, 3 * GiB)).desired_replicas, 3);
}

// gpu-0 (4 GiB) holding `n` busy replicas that together complete `total` req/s.
Observation busy_gpu(Time now, int n, double total) {
  std::vector<PodInfo> pods;
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    names.push_back("p" + std::to_string(i));
    pods.push_back(serving(names.back(), now, "gpu-0", load(total / n, 5000, 20.0 / n)));
  }
  return observation(now, n, pods, {gpu("gpu-0", names, now, 4 * GiB, 1.5 * GiB * n)}, 16);
}

TEST(GpuAwarePolicy, AReplicaNeverJudgedIsReleasedToMeasureIt) {
  // Two replicas share gpu-0, busy, and no third fits in memory. Nothing says whether the
  // second one helps (it came before gpu-0 was busy): once measured at two, one is released.
  GpuAwarePolicy p = policy();
  Recommendation r;
  for (Time t = 0; t <= 5; t += 5) {
    r = p.recommend(busy_gpu(t, 2, 4));
    EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  }
  r = p.recommend(busy_gpu(10, 2, 4));  // 3 samples, 60 completions at two
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "releasing one replica on gpu-0 to measure what it adds"))
      << r.reason;
  // One replica completes what two did: saturated at one, and it stays at one.
  for (Time t = 15; t <= 35; t += 5) EXPECT_EQ(p.recommend(busy_gpu(t, 1, 4)).desired_replicas, 1);
  r = p.recommend(busy_gpu(40, 1, 4));
  EXPECT_EQ(r.desired_replicas, 1) << r.reason;
  EXPECT_TRUE(contains(r.reason, "on gpu-0 would add nothing (saturated at 1 replica")) << r.reason;

  // Had one replica done half of what two did, the second is wanted back.
  GpuAwarePolicy q = policy();
  for (Time t = 0; t <= 10; t += 5) r = q.recommend(busy_gpu(t, 2, 4));
  ASSERT_EQ(r.desired_replicas, 1);
  for (Time t = 15; t <= 35; t += 5) EXPECT_EQ(q.recommend(busy_gpu(t, 1, 2)).desired_replicas, 1);
  r = q.recommend(busy_gpu(40, 1, 2));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
}

TEST(GpuAwarePolicy, NoScaleDownOnStaleOrMissingMetrics) {
  for (const std::string bad : {"stale", "missing"}) {
    GpuAwarePolicy p = policy();
    for (Time t = 0; t <= 10; t += 5) p.recommend(plain(t, 4, 4, 30));  // learn mu = 10
    // Much later the service sees 1 req/s, but the replicas' own signals are old or gone.
    Observation obs = plain(200, 4, 4, 1);
    for (PodInfo& pod : obs.pods) {
      if (bad == "stale") {
        pod.serving.sample_time = 200 - 60;
      } else {
        pod.serving = ServingSignals{};
      }
    }
    const Recommendation r = p.recommend(obs);
    EXPECT_FALSE(r.valid) << bad;
    EXPECT_EQ(r.desired_replicas, 4) << bad;
    EXPECT_TRUE(contains(r.reason, "no scale-down on doubt (4 of 4 serving replicas " +
                                       std::string(bad == "stale" ? "stale" : "without")))
        << r.reason;
    // Fresh signals saying the same: it scales in.
    const Recommendation fresh = p.recommend(plain(205, 4, 4, 1));
    EXPECT_TRUE(fresh.valid);
    EXPECT_LT(fresh.desired_replicas, 4) << fresh.reason;
  }
}

TEST(GpuAwarePolicy, NoArrivalRateHolds) {
  GpuAwarePolicy p = policy();
  Observation obs = plain(0, 3, 3, 10);
  obs.service.arrival_rate.reset();
  for (PodInfo& pod : obs.pods) pod.serving.arrival_rate.reset();
  const Recommendation r = p.recommend(obs);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_TRUE(contains(r.reason, "no arrival rate")) << r.reason;
  ASSERT_EQ(r.metrics.size(), 4u);
  EXPECT_TRUE(r.metrics[0].error);
}

TEST(GpuAwarePolicy, AShortfallUnderTheToleranceAddsNoReplica) {
  // Four replicas of 10 meet 30 req/s exactly (need 40). Then each reads a little faster: mu_s,
  // smoothed over every replica each tick, rises ahead of each GPU's own estimate, so the need
  // (4 x mu_s) runs ahead of the usable capacity by a fraction of a replica. That is noise
  // between two estimates, not a reason for a fifth replica.
  auto last = [](const ParamMap& params) {
    GpuAwarePolicy p = policy(params);
    Recommendation r;
    for (Time t = 0; t <= 10; t += 5) r = p.recommend(plain(t, 4, 4, 30));
    for (Time t = 15; t <= 40; t += 5) {
      r = p.recommend(plain(t, 4, 4, 30, 10.5));
      if (r.desired_replicas != 4) break;
    }
    return r;
  };
  const Recommendation with = last({});
  EXPECT_EQ(with.desired_replicas, 4) << with.reason;
  const Recommendation without = last({{"tolerance", "0"}});
  EXPECT_EQ(without.desired_replicas, 5) << without.reason;
}

TEST(GpuAwarePolicy, ScalesDownWithHysteresisAndACoolDown) {
  GpuAwarePolicy p = policy({{"scale_down_band", "0.8"}});
  // 30 req/s: 33 planned, a = 3.3, ceil(3.3 / 0.9) = 4 replicas of 10: exactly what is there.
  for (Time t = 0; t <= 10; t += 5) {
    EXPECT_EQ(p.recommend(plain(t, 4, 4, 30)).desired_replicas, 4);
  }
  // 20 req/s: 3 would do (need 30), but not for arrivals 1 / 0.8 higher (22 / 0.8 = 27.5
  // planned: ceil(2.75 / 0.9) = 4): inside the band, hold.
  Recommendation r = p.recommend(plain(100, 4, 4, 20));
  EXPECT_EQ(r.desired_replicas, 4) << r.reason;
  EXPECT_EQ(policy({{"disable", "hysteresis"}}).recommend(plain(100, 4, 4, 20)).desired_replicas,
            3);
  // 10 req/s: 2 meet the SLO even for 11 / 0.8 = 13.75 req/s; held while 100 s's "4" is in the
  // window.
  for (Time t = 105; t <= 160; t += 5) {
    r = p.recommend(plain(t, 4, 4, 10));
    EXPECT_EQ(r.desired_replicas, 4) << t << ": " << r.reason;
  }
  EXPECT_TRUE(contains(r.reason, "held by the highest recommendation of the last 60 s"))
      << r.reason;
  r = p.recommend(plain(165, 4, 4, 10));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  // 3 req/s: 1 would do (tail 0.41 e^-... at one, even at 3.3 / 0.8), but the last change was
  // 5 s ago.
  r = p.recommend(plain(170, 2, 2, 3));
  EXPECT_EQ(r.desired_replicas, 2) << r.reason;
  EXPECT_TRUE(contains(r.reason, "cooling down after the last change")) << r.reason;
  for (Time t = 175; t < 225; t += 5) EXPECT_EQ(p.recommend(plain(t, 2, 2, 3)).desired_replicas, 2);
  EXPECT_EQ(p.recommend(plain(230, 2, 2, 3)).desired_replicas, 1);
}

TEST(GpuAwarePolicy, IdleReplicasGoOnlyAfterTheCoolDown) {
  // Nothing arrives and nothing was ever measured: no capacity estimate, nothing needed. The
  // replicas are not "free" (no GPU is saturated); they go once the cool-down from the first
  // tick has passed.
  GpuAwarePolicy p = policy();
  auto idle = [](Time now) {
    Observation obs = plain(now, 3, 3, 0);
    for (PodInfo& pod : obs.pods) pod.serving = load(0, 0, 0);
    for (PodInfo& pod : obs.pods) pod.serving.sample_time = now;
    return obs;
  };
  for (Time t = 0; t < 60; t += 5) {
    const Recommendation r = p.recommend(idle(t));
    EXPECT_EQ(r.desired_replicas, 3) << t << ": " << r.reason;
    EXPECT_FALSE(contains(r.reason, "adds nothing")) << r.reason;
  }
  EXPECT_EQ(p.recommend(idle(60)).desired_replicas, 1);
}

TEST(GpuAwarePolicy, NeverOutsideOneAndTheLargestProposal) {
  GpuAwarePolicy idle = policy({{"disable", "hysteresis"}});
  idle.recommend(plain(0, 5, 5, 20));
  const Recommendation none = idle.recommend(plain(5, 5, 5, 0));
  EXPECT_EQ(none.desired_replicas, 1) << none.reason;

  GpuAwarePolicy zero = policy();
  const Recommendation from_zero = zero.recommend(plain(0, 0, 0, 0));
  EXPECT_EQ(from_zero.desired_replicas, 1) << from_zero.reason;

  GpuAwarePolicy flood = policy();
  const Recommendation huge = flood.recommend(plain(0, 5, 5, 1e12));
  EXPECT_EQ(huge.desired_replicas, kMaxProposedReplicas) << huge.reason;
}

TEST(GpuAwarePolicy, ForecastProvisionsAheadOfARamp) {
  GpuAwarePolicy ahead = policy();
  GpuAwarePolicy reactive = policy({{"disable", "forecast"}});
  Recommendation a, b;
  for (int i = 0; i <= 8; ++i) {  // 10, 15, ..., 50 req/s: +1 req/s every second
    a = ahead.recommend(plain(5.0 * i, 6, 6, 10 + 5.0 * i));
    b = reactive.recommend(plain(5.0 * i, 6, 6, 10 + 5.0 * i));
  }
  // Reactive: 50 req/s now. Ahead: about 85 req/s in 35 s (30 s provisioning + one tick).
  const MetricProposal* f = metric(a, "arrival_forecast");
  ASSERT_TRUE(f && f->value);
  EXPECT_GT(*f->value, 75);
  EXPECT_DOUBLE_EQ(*metric(b, "arrival_forecast")->value, 50);
  EXPECT_GT(a.desired_replicas, b.desired_replicas + 2) << a.reason << " | " << b.reason;
}

TEST(GpuAwarePolicy, LatencyGuardAsksOnceWhenTheServiceMissesTheSlo) {
  GpuAwarePolicy p = policy();
  Observation obs = plain(0, 2, 2, 5);
  obs.service.latency_p99_ms = 1500;  // the model says 2 are plenty; the service says no
  const Recommendation r = p.recommend(obs);
  EXPECT_EQ(r.desired_replicas, 3) << r.reason;
  EXPECT_TRUE(contains(r.reason, "observed 1500 ms over the SLO")) << r.reason;
  Observation next = plain(5, 3, 2, 5);
  next.service.latency_p99_ms = 1500;
  next.pods.push_back(starting("s0", 5, ""));
  EXPECT_EQ(p.recommend(next).desired_replicas, 3);  // one on the way: wait for it
}

TEST(GpuAwarePolicy, ProposalsNameEachSignal) {
  GpuAwarePolicy p = policy();
  const Recommendation r = p.recommend(plain(0, 2, 2, 10));
  ASSERT_EQ(r.metrics.size(), 4u);
  EXPECT_EQ(r.metrics[0].name, "arrival_forecast");
  EXPECT_EQ(r.metrics[1].name, "capacity_per_replica");
  EXPECT_EQ(r.metrics[2].name, "replicas_for_slo");
  EXPECT_EQ(r.metrics[3].name, "usable_capacity");
  EXPECT_NEAR(*r.metrics[1].value, 10, 1e-9);  // mu = 5 x 2 / 1
  EXPECT_NEAR(*r.metrics[3].value, 20, 1e-9);
  EXPECT_DOUBLE_EQ(*r.metrics[2].target, 1000);
  EXPECT_EQ(r.metrics[3].proposed_replicas, r.desired_replicas);
  EXPECT_EQ(r.reason.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace userscale
