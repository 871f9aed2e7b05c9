// End to end: real `userscale scaler --world kubernetes` processes against the fake API server
// over TLS, scaling a Deployment through its scale subresource exactly as they would a real
// one: up to max and never past it, down to min and never below, status and events written, no
// scale-down on missing metrics, an invalid GPUAutoscaler refused with a condition, the API's
// faults survived, and leader election with failover after kill -9.
#include <gtest/gtest.h>

#include <fstream>

#include "kube_world_support.h"
#include "support/child_process.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using testing::eventually;
using testing::FakeCluster;
using userscale::testing::ChildProcess;
using userscale::testing::FakeFault;
using userscale::testing::read_text;
using namespace std::chrono_literals;

using Scaler = testing::KubeScaler;

int max_replicas_seen(const FakeCluster& c, int& highest, int& lowest) {
  const int r = c.replicas();
  highest = std::max(highest, r);
  lowest = std::min(lowest, r);
  return r;
}

TEST(KubeScalerProcess, ScalesUpToMaxThenDownToMinWithStatusAndEvents) {
  FakeCluster c(1, 6);  // 6 in flight per pod against 2 per pod: wants 3x
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 4));
  Scaler s(c, "a");
  int highest = 0, lowest = 100;
  ASSERT_TRUE(eventually([&] { return max_replicas_seen(c, highest, lowest) == 4; }, 60s))
      << s.log();
  for (int i = 0; i < 30; ++i) {  // three more ticks at the ceiling
    max_replicas_seen(c, highest, lowest);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(highest, 4) << "never past maxReplicas";
  ASSERT_TRUE(eventually([&] { return c.status("web").value("desiredReplicas", 0) == 4; }, 20s));
  const json status = c.autoscaler("web")["status"];
  EXPECT_TRUE(status.contains("lastScaleTime"));
  EXPECT_EQ(status["conditions"][0]["type"], "AbleToScale");
  bool limited = false;
  for (const auto& cond : status["conditions"]) {
    if (cond["type"] == "ScalingLimited")
      limited = cond["status"] == "True" && cond["reason"] == "TooManyReplicas";
  }
  EXPECT_TRUE(limited) << status.dump();
  const auto events = c.api.list("/api/v1/namespaces/default/events");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["reason"], "SuccessfulRescale");
  EXPECT_EQ(events[0]["involvedObject"]["kind"], "GPUAutoscaler");
  EXPECT_NE(events[0]["message"].get<std::string>().find("New size:"), std::string::npos);

  c.pods_metrics.set_text("/metrics", testing::serve_metrics(0.5));
  ASSERT_TRUE(eventually([&] { return max_replicas_seen(c, highest, lowest) == 1; }, 60s))
      << s.log();
  for (int i = 0; i < 30; ++i) {
    max_replicas_seen(c, highest, lowest);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(lowest, 1) << "never below minReplicas";
  s.child.signal(SIGTERM);
  EXPECT_EQ(s.child.wait(30s), 0) << s.log();
}

TEST(KubeScalerProcess, HoldsOnMissingMetricsAndRefusesAnInvalidObject) {
  FakeCluster c(1, 6);
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 3));
  json bad = testing::gpu_autoscaler("bad", "other", 5, 2);  // minReplicas > maxReplicas
  c.api.create(bad);
  Scaler s(c, "a");
  ASSERT_TRUE(eventually([&] { return c.replicas() == 3; }, 60s)) << s.log();
  ASSERT_TRUE(eventually([&] { return c.autoscaler("bad").contains("status"); }, 20s));
  const json bad_status = c.autoscaler("bad")["status"];
  EXPECT_EQ(bad_status["conditions"][0]["reason"], "InvalidSpec");
  EXPECT_NE(bad_status["conditions"][0]["message"].get<std::string>().find("minReplicas"),
            std::string::npos)
      << bad_status.dump();
  EXPECT_EQ(c.api.count("", "/deployments/other/scale"), 0);

  // The pods' /metrics disappear: load is unknown, so the count must hold, however low the
  // last reading would now argue.
  c.pods_metrics.set_text("/metrics", "");
  ASSERT_TRUE(eventually(
      [&] {
        const json st = c.status("web");
        for (const auto& cond : st.value("conditions", json::array())) {
          if (cond["type"] == "ScalingActive" && cond["status"] == "False") return true;
        }
        return false;
      },
      30s))
      << s.log();
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(c.replicas(), 3);
    std::this_thread::sleep_for(100ms);
  }
}

TEST(KubeScalerProcess, SurvivesTheApiServersFaults) {
  FakeCluster c(1, 6);
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 4));
  c.api.inject(
      {FakeFault::Kind::Status, 503, std::nullopt, {}, "GET", "/deployments/web/scale", 2});
  c.api.inject({FakeFault::Kind::Status, 429, 1, {}, "", "", 1});
  c.api.inject(
      {FakeFault::Kind::Status, 409, std::nullopt, {}, "PATCH", "/deployments/web/scale", 1});
  c.api.inject({FakeFault::Kind::Drop, 0, std::nullopt, {}, "PATCH", "/status", 1});
  c.api.inject({FakeFault::Kind::Slow, 0, std::nullopt, 1500ms, "GET", "/scale", 1});
  Scaler s(c, "a");
  int highest = 0, lowest = 100;
  ASSERT_TRUE(eventually([&] { return max_replicas_seen(c, highest, lowest) >= 2; }, 60s))
      << s.log();
  c.api.compact();  // the watches' resourceVersions are now too old: 410, relist
  c.api.inject({FakeFault::Kind::Drop, 0, std::nullopt, {}, "GET", "watch", 1});
  ASSERT_TRUE(eventually([&] { return max_replicas_seen(c, highest, lowest) == 4; }, 60s))
      << s.log();
  EXPECT_LE(highest, 4);
  EXPECT_GE(c.api.count("PATCH", "/deployments/web/scale"), 2);
  // after the relist the pods informer still sees the new pods: the status follows them
  ASSERT_TRUE(eventually([&] { return c.status("web").value("currentReplicas", 0) == 4; }, 30s))
      << s.log();
}

std::string lease_holder(const FakeCluster& c) {
  auto l = c.api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/userscale-scaler");
  return l ? (*l)["spec"].value("holderIdentity", "") : "";
}

TEST(KubeScalerProcess, OneLeaderActsAndTheOtherTakesOverAfterKill9) {
  FakeCluster c(1, 3);
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 10));
  const std::vector<std::string> le = {"--leader-elect",   "true", "--lease-duration", "3",
                                       "--renew-deadline", "2",    "--retry-period",   "0.5"};
  auto with_id = [&](const std::string& id) {
    auto v = le;
    v.insert(v.end(), {"--identity", id});
    return v;
  };
  auto a = std::make_unique<Scaler>(c, "a", with_id("a"));
  Scaler b(c, "b", with_id("b"));
  ASSERT_TRUE(eventually([&] { return !lease_holder(c).empty(); }, 30s)) << a->log() << b.log();
  ASSERT_TRUE(eventually([&] { return c.replicas() > 1; }, 30s)) << a->log() << b.log();
  std::this_thread::sleep_for(2s);
  const std::string leader = lease_holder(c);
  const std::string leader_log = leader == "a" ? a->log() : b.log();
  const std::string follower_log = leader == "a" ? b.log() : a->log();
  EXPECT_NE(leader_log.find("became the leader"), std::string::npos);
  EXPECT_EQ(follower_log.find("became the leader"), std::string::npos) << "exactly one acts";
  // only the leader's decision log has decisions
  const std::string follower_dir = c.dir.file(leader == "a" ? "b" : "a");
  EXPECT_EQ(read_text(follower_dir + "/decisions.jsonl"), "");
  EXPECT_NE(read_text(c.dir.file(leader) + "/decisions.jsonl"), "");

  Scaler& survivor = leader == "a" ? b : *a;
  (leader == "a" ? a->child : b.child).signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return lease_holder(c) != leader; }, 15s)) << survivor.log();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  EXPECT_LT(took, 3.0 + 0.5 + 2.0)
      << "lease duration + retry period, with slack for a loaded machine";
  std::cout << "takeover after kill -9: " << took << " s (lease duration 3 s)\n";
  // the new leader acts: it scales when the load changes
  c.pods_metrics.set_text("/metrics", testing::serve_metrics(0.1));
  ASSERT_TRUE(eventually([&] { return c.replicas() == 1; }, 30s)) << survivor.log();
}

}  // namespace
}  // namespace userscale::controller
