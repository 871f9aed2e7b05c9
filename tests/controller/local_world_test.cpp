// The live local world end to end: real `userscale serve` replicas, a real HAProxy, a real
// Prometheus, real HTTP on loopback, the real `userscale scaler` binary.
#include <gtest/gtest.h>

#include <algorithm>

#include "live_support.h"

namespace userscale::controller::testing {
namespace {

// 2 requests in flight per replica; scale-in without a window; ticks every second.
std::string config(int min, int max) {
  return R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: live, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gpu-service}
  minReplicas: )" +
         std::to_string(min) + R"(
  maxReplicas: )" +
         std::to_string(max) + R"(
  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "2"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 1}
    scaleUp: {stabilizationWindowSeconds: 0}
  syncPeriodSeconds: 1
)";
}

const std::vector<std::string> kPrometheus = {
    "--source",         "prometheus", "--scrape-interval", "0.5", "--window", "2",
    "--source-timeout", "0.5",        "--source-attempts", "2"};
const std::vector<std::string> kScrape = {"--source", "scrape", "--window", "2"};

// A request that holds a slot of a replica for 300 ms while costing almost no CPU.
constexpr const char* kSlowRequest = "/stream?duration_ms=300";

bool all_gone(const std::vector<pid_t>& pids) {
  return std::none_of(pids.begin(), pids.end(), [](pid_t p) { return actuate::is_alive(p); });
}

TEST(LocalWorld, BurstScalesOutThroughHaproxyAndPrometheusThenBackInWithoutFailures) {
  Scaler s(fresh_dir("e2e"), config(1, 3), kPrometheus);
  ASSERT_TRUE(s.start()) << s.output();
  ASSERT_TRUE(eventually([&] { return s.field("ready") == 1; }, 60s)) << s.output();

  Load load(s.haproxy_port(), kSlowRequest);
  load.add_workers(6);  // about 6 in flight: 3 replicas at 2 each
  int most = 0, least = 100;
  auto track = [&] {
    const int d = s.field("desired");
    if (d >= 0) {
      most = std::max(most, d);
      least = std::min(least, d);
    }
  };
  ASSERT_TRUE(eventually(
      [&] {
        track();
        return s.field("ready") == 3;
      },
      90s))
      << s.output();
  // The burst ends; one client stays, so that requests run while replicas drain.
  load.remove_workers(5);
  ASSERT_TRUE(eventually(
      [&] {
        track();
        auto t = s.target();
        return t.is_object() && t["desired"] == 1 && t["pods"].size() == 1u;
      },
      90s))
      << s.output();
  const int sent_before_stop = load.sent();
  load.stop_all();
  EXPECT_GT(sent_before_stop, 20);
  EXPECT_EQ(load.failed(), 0) << load.last_failure();
  EXPECT_EQ(most, 3);
  EXPECT_GE(least, 1);

  const std::string out = s.output();
  EXPECT_NE(out.find("SCALED 1 -> "), std::string::npos) << out;
  EXPECT_NE(out.find(" -> 1"), std::string::npos) << out;
  const std::string metrics = s.get_text("/metrics");
  EXPECT_NE(metrics.find("userscale_desired_replicas{target=\"default/gpu-service\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("userscale_tick_duration_seconds_count"), std::string::npos);
  auto decisions = s.get_json("/api/v1/decisions?after=0");
  ASSERT_TRUE(decisions.is_object());
  EXPECT_GT(decisions["records"].size(), 3u);
  EXPECT_EQ(decisions["records"][0]["target"], "default/gpu-service");

  const auto pids = world_pids(s.state());
  EXPECT_EQ(pids.size(), 3u);  // HAProxy, Prometheus, one replica
  EXPECT_EQ(s.interrupt(), 0) << s.output();
  EXPECT_TRUE(all_gone(pids));
  EXPECT_FALSE(fs::exists(s.run_dir() / "state.json"));
}

TEST(LocalWorld, KilledReplicaIsReplaced) {
  Scaler s(fresh_dir("kill"), config(2, 2), kScrape);
  ASSERT_TRUE(s.start()) << s.output();
  ASSERT_TRUE(eventually([&] { return s.field("ready") == 2; }, 60s)) << s.output();
  const auto before = s.state();
  ASSERT_EQ(before.replicas.size(), 2u);
  const pid_t victim = before.replicas[0].pid;
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  ASSERT_TRUE(eventually(
      [&] {
        const auto now = s.state();
        return now.replicas.size() == 2u && s.field("ready") == 2 &&
               std::none_of(now.replicas.begin(), now.replicas.end(),
                            [&](const auto& r) { return r.pid == victim; });
      },
      60s))
      << s.output();
  EXPECT_NE(s.output().find("died"), std::string::npos) << s.output();
  // Traffic reaches the replacement through HAProxy.
  metrics::HttpClient c("127.0.0.1", std::to_string(s.haproxy_port()), 5s);
  for (int i = 0; i < 4; ++i) {
    auto r = c.get("/healthz");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
  }
  // SIGTERM (as a service manager stops it) drains and stops everything, as Ctrl-C does.
  const auto pids = world_pids(s.state());
  EXPECT_EQ(pids.size(), 3u);  // HAProxy and two replicas
  EXPECT_EQ(s.terminate(), 0);
  EXPECT_TRUE(all_gone(pids));
  EXPECT_NE(s.output().find("every process this scaler started or adopted has exited"),
            std::string::npos);
}

TEST(LocalWorld, KilledHaproxyComesBackOnItsPortWithTheReplicas) {
  Scaler s(fresh_dir("haproxy"), config(1, 2), kScrape);
  ASSERT_TRUE(s.start()) << s.output();
  ASSERT_TRUE(eventually([&] { return s.field("ready") == 1; }, 60s)) << s.output();
  const pid_t old = s.state().haproxy_pid;
  ASSERT_EQ(::kill(old, SIGKILL), 0);
  auto answers = [&] {
    metrics::HttpClient c("127.0.0.1", std::to_string(s.haproxy_port()), 2s);
    auto r = c.get("/healthz");
    return r.ok() && r->status == 200;
  };
  EXPECT_TRUE(eventually([&] { return s.state().haproxy_pid != old && answers(); }, 60s))
      << s.output();
  const auto pids = world_pids(s.state());
  EXPECT_EQ(s.interrupt(), 0);
  EXPECT_TRUE(all_gone(pids));
}

TEST(LocalWorld, PrometheusUnreachableHoldsReportsAndRecovers) {
  Scaler s(fresh_dir("prom"), config(1, 3), kPrometheus);
  ASSERT_TRUE(s.start()) << s.output();
  ASSERT_TRUE(eventually([&] { return s.field("ready") == 1; }, 60s)) << s.output();
  Load load(s.haproxy_port(), kSlowRequest);
  load.add_workers(6);
  ASSERT_TRUE(eventually([&] { return s.field("desired") >= 2; }, 90s)) << s.output();
  const pid_t prom = s.state().prometheus_pid;
  ASSERT_GT(prom, 0);
  auto errors = [&] {
    const std::string m = s.get_text("/metrics");
    const std::string key =
        "userscale_source_errors_total{target=\"default/gpu-service\","
        "source=\"prometheus\"} ";
    const auto at = m.find(key);
    return at == std::string::npos ? 0.0 : std::stod(m.substr(at + key.size()));
  };
  const double errors_before = errors();
  // Prometheus stops answering (its port still accepts): every query times out.
  ASSERT_EQ(::kill(prom, SIGSTOP), 0);
  load.stop_all();  // without load the policy would scale in, if it could see it
  // One tick of two failed attempts: from then on nothing the scaler sees is new.
  ASSERT_TRUE(eventually([&] { return errors() >= errors_before + 2; }, 30s)) << s.output();
  const int held = s.field("desired");
  EXPECT_GE(held, 2);
  // Two more failed ticks: still the same count.
  EXPECT_TRUE(eventually([&] { return errors() >= errors_before + 6; }, 30s)) << s.output();
  EXPECT_EQ(s.field("desired"), held);
  auto t = s.target();
  ASSERT_TRUE(t.is_object());
  EXPECT_NE(t["decisions"].back()["line"].get<std::string>().find("source prometheus failed"),
            std::string::npos)
      << t.dump();
  ::kill(prom, SIGCONT);
  EXPECT_TRUE(eventually([&] { return s.field("desired") == 1; }, 60s)) << s.output();
  const auto pids = world_pids(s.state());
  EXPECT_EQ(s.interrupt(), 0);
  EXPECT_TRUE(all_gone(pids));
}

TEST(LocalWorld, RestartedScalerAdoptsInsteadOfDoubling) {
  const fs::path dir = fresh_dir("adopt");
  Scaler first(dir, config(2, 3), kScrape);
  ASSERT_TRUE(first.start()) << first.output();
  ASSERT_TRUE(eventually([&] { return first.field("ready") == 2; }, 60s)) << first.output();
  const auto before = first.state();
  ASSERT_EQ(before.replicas.size(), 2u);
  first.kill_hard();  // no drain, no cleanup: everything it started keeps running
  for (pid_t p : world_pids(before)) EXPECT_TRUE(actuate::is_alive(p));

  Scaler second(dir, config(2, 3), kScrape);
  ASSERT_TRUE(second.start()) << second.output();
  ASSERT_TRUE(eventually([&] { return second.field("ready") == 2; }, 60s)) << second.output();
  const auto after = second.state();
  EXPECT_EQ(after.haproxy_pid, before.haproxy_pid);
  EXPECT_EQ(after.haproxy_port, before.haproxy_port);
  ASSERT_EQ(after.replicas.size(), 2u) << second.output();
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(after.replicas[i].pid, before.replicas[i].pid);
  EXPECT_EQ(second.haproxy_port(), first.haproxy_port());
  EXPECT_NE(second.output().find("adopted replica-"), std::string::npos) << second.output();
  metrics::HttpClient c("127.0.0.1", std::to_string(second.haproxy_port()), 5s);
  auto r = c.get("/healthz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  const auto pids = world_pids(after);
  EXPECT_EQ(second.interrupt(), 0);
  EXPECT_TRUE(all_gone(pids));
}

}  // namespace
}  // namespace userscale::controller::testing
