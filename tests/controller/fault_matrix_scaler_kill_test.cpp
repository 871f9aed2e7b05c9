// Fault matrix, "the scaler killed between decision and actuation" (docs/fault-matrix.md): a
// real `userscale scaler --world local` is SIGKILLed right after its decision record for a
// scale-up appears, while the new replicas are still warming up (not ready), then started
// again on the same run dir under the same load. It must adopt what runs (no second set, no
// orphan serve process), stay within min/max, finish the scale-up, and lose no request.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "actuate/process.h"
#include "live_support.h"

namespace userscale::controller::testing {
namespace {

constexpr int kMax = 4;

std::string config() {
  return R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: live, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gpu-service}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "2"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 60}
    scaleUp: {stabilizationWindowSeconds: 0}
  syncPeriodSeconds: 1
)";
}

// New replicas stay unready for 3 s: the window between the decision and a finished scale-up.
const std::vector<std::string> kArgs = {
    "--source", "scrape", "--window", "2", "--serve-arg=--warmup-ms", "--serve-arg=3000"};

// Every live process whose stdout is a replica log of this run dir: the serve processes of
// this world, whether or not the state file names them.
std::set<pid_t> replica_processes(const fs::path& run_dir) {
  const auto pids = actuate::processes_logging_under(run_dir / "replicas");
  return {pids.begin(), pids.end()};
}

std::set<pid_t> state_replicas(const actuate::RunState& s) {
  std::set<pid_t> out;
  for (const auto& r : s.replicas) out.insert(r.pid);
  return out;
}

bool has_scale_up(const fs::path& run_dir) {
  const std::string text = read_text(run_dir / "decisions.jsonl");
  return text.find("\"kind\":\"scale_up\"") != std::string::npos;
}

TEST(FaultMatrixScalerKill, KilledBetweenDecisionAndReadyAdoptsWithoutDoubling) {
  const fs::path dir = fresh_dir("killscale");
  Scaler first(dir, config(), kArgs);
  ASSERT_TRUE(first.start()) << first.output();
  ASSERT_TRUE(eventually([&] { return first.field("ready") == 1; }, 60s)) << first.output();

  Load load(first.haproxy_port(), "/stream?duration_ms=300");
  load.add_workers(6);  // 6 in flight at 2 per replica: 3 replicas
  ASSERT_TRUE(eventually([&] { return has_scale_up(first.run_dir()); }, 60s)) << first.output();
  first.kill_hard();  // the decision is written; the new replicas are warming up
  const auto at_kill = first.state();
  EXPECT_LT(static_cast<int>(at_kill.replicas.size()), kMax + 1);
  // Everything in the state file runs. A replica started in the moment before the kill may run
  // without a record; the second scaler finds it by its log and kills it (checked below).
  const auto running = replica_processes(first.run_dir());
  for (pid_t pid : state_replicas(at_kill)) EXPECT_TRUE(running.count(pid)) << pid;

  Scaler second(dir, config(), kArgs);
  ASSERT_TRUE(second.start()) << second.output();
  ASSERT_TRUE(eventually([&] { return second.field("ready") >= 3; }, 90s)) << second.output();
  // Settled: what runs is what the state says, within bounds; no second set.
  ASSERT_TRUE(eventually(
      [&] {
        const auto st = second.state();
        return replica_processes(second.run_dir()) == state_replicas(st) &&
               static_cast<int>(st.replicas.size()) == second.field("desired");
      },
      30s))
      << second.output();
  const auto after = second.state();
  EXPECT_GE(static_cast<int>(after.replicas.size()), 3);
  EXPECT_LE(static_cast<int>(after.replicas.size()), kMax);
  EXPECT_EQ(after.haproxy_pid, at_kill.haproxy_pid);
  EXPECT_NE(second.output().find("adopted replica-"), std::string::npos) << second.output();
  // Every replica that was ready at the kill was adopted, not replaced.
  const auto first_ready = at_kill.replicas.front().pid;
  EXPECT_TRUE(state_replicas(after).count(first_ready)) << second.output();
  const nlohmann::json decisions = second.get_json("/api/v1/decisions?after=0");
  ASSERT_TRUE(decisions.is_object());
  for (const auto& r : decisions["records"]) {
    const int desired = r["record"].value("desired", 1);
    EXPECT_GE(desired, 1);
    EXPECT_LE(desired, kMax);
  }
  load.stop_all();
  // HAProxy and the replicas kept serving through the kill and the restart.
  EXPECT_GT(load.sent(), 0);
  EXPECT_EQ(load.failed(), 0) << load.last_failure();
  const auto pids = world_pids(after);
  EXPECT_EQ(second.interrupt(), 0);
  EXPECT_TRUE(std::none_of(pids.begin(), pids.end(), [](pid_t p) { return actuate::is_alive(p); }));
  EXPECT_TRUE(replica_processes(second.run_dir()).empty());
}

}  // namespace
}  // namespace userscale::controller::testing
