// The KubernetesActuator against the fake API server: the Scale read, pods matched by its
// selector with phases, metrics addresses and GPUs, and a PATCH that meets a conflict re-read
// and retried; the HPA-like status built from a decision.
#include <gtest/gtest.h>

#include "actuate/kube/informer.h"
#include "actuate/kube/kube_client.h"
#include "controller/kube_actuator.h"
#include "controller/kube_world.h"
#include "kube_world_support.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using testing::FakeCluster;
using userscale::testing::FakeFault;

TEST(ReplicaOfPod, PhasesAddressAndGpu) {
  json pod = {
      {"metadata", {{"name", "web-1"}, {"annotations", {{"userscale.dev/gpu-uuid", "GPU-1"}}}}},
      {"spec",
       {{"containers", json::array({{{"ports", json::array({{{"containerPort", 80}},
                                                            {{"name", "metrics"},
                                                             {"containerPort", 9400}}})}}})}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.1.2.3"},
        {"startTime", "2026-01-01T00:00:00Z"},
        {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
  auto r = replica_of_pod(pod);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->phase, ReplicaPhase::Ready);
  EXPECT_EQ(r->address, "10.1.2.3:9400");
  EXPECT_EQ(r->gpu.value_or(""), "GPU-1");
  ASSERT_TRUE(r->started);
  pod["status"]["conditions"][0]["status"] = "False";
  EXPECT_EQ(replica_of_pod(pod)->phase, ReplicaPhase::Starting);
  pod["metadata"]["annotations"]["prometheus.io/port"] = "8080";
  EXPECT_EQ(replica_of_pod(pod)->address, "10.1.2.3:8080");
  pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:01:00Z";
  EXPECT_EQ(replica_of_pod(pod)->phase, ReplicaPhase::Terminating);
  pod["status"]["phase"] = "Failed";
  EXPECT_FALSE(replica_of_pod(pod));
  pod = {{"metadata", {{"name", "p"}}}, {"status", {{"phase", "Pending"}}}};
  EXPECT_EQ(replica_of_pod(pod)->phase, ReplicaPhase::Pending);
  EXPECT_EQ(replica_of_pod(pod)->address, "");
}

TEST(ScalePath, KindsItCanScale) {
  EXPECT_EQ(scale_path({"ns", "apps/v1", "StatefulSet", "db"}).value(),
            "/apis/apps/v1/namespaces/ns/statefulsets/db/scale");
  auto bad = scale_path({"ns", "batch/v1", "Job", "j"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "spec.scaleTargetRef");
}

TEST(KubernetesActuator, StateAndScaleWithAConflict) {
  FakeCluster cluster(2);
  auto config = actuate::kube::load_kubeconfig(cluster.kubeconfig);
  ASSERT_TRUE(config.ok());
  actuate::kube::KubeClientOptions co;
  co.backoff.base = std::chrono::milliseconds(20);
  auto client = actuate::kube::KubeClient::create(*config, co);
  ASSERT_TRUE(client.ok());
  actuate::kube::Informer pods(
      **client, {"/api/v1/namespaces/default/pods", "", 300, std::chrono::milliseconds(200), {}});
  pods.start();
  ASSERT_TRUE(pods.wait_synced(std::chrono::seconds(20)));
  // a pod of another workload must not count
  cluster.api.create(userscale::testing::FakeApiServer::deployment("default", "other", 1, 1));
  KubernetesActuator act(**client, pods, {"default", "apps/v1", "Deployment", "web"});
  auto st = act.state();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->desired, 2);
  EXPECT_EQ(st->current, 2);
  EXPECT_EQ(st->ready, 2);
  ASSERT_EQ(st->replicas.size(), 2u);
  EXPECT_EQ(st->replicas[0].address, "127.0.0.1:" + std::to_string(cluster.pods_metrics.port()));
  EXPECT_EQ(act.selector(), "app=web");

  // Someone scales the deployment between our read and our write: 409, re-read, retry.
  cluster.api.set_replicas("default", "web", 3);
  ASSERT_TRUE(act.scale(4).ok());
  EXPECT_EQ(cluster.replicas(), 4);
  EXPECT_EQ(cluster.api.count("PATCH", "/deployments/web/scale"), 2);
  EXPECT_TRUE(
      testing::eventually([&] { return act.state().ok() && act.state()->replicas.size() == 4; },
                          std::chrono::seconds(20)));

  // A conflict that never heals ends in an error, not a loop.
  cluster.api.inject({FakeFault::Kind::Status, 409, std::nullopt, {}, "PATCH", "/scale", 100});
  auto failed = act.scale(1);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("conflicting"), std::string::npos);
  EXPECT_EQ(cluster.replicas(), 4);
  pods.stop();
}

TEST(AutoscalerStatus, LikeTheHpaAndKeepsTransitionTimes) {
  Decision d;
  d.current_replicas = 2;
  d.desired_replicas = 4;
  d.rescale = true;
  d.conditions = {{"AbleToScale", "True", "SucceededRescale", "ok"},
                  {"ScalingActive", "True", "ValidMetricFound", "ok"},
                  {"ScalingLimited", "False", "DesiredWithinRange", "ok"}};
  json s = autoscaler_status(d, "scale_up", json(), 3, "T1");
  EXPECT_EQ(s["currentReplicas"], 2);
  EXPECT_EQ(s["desiredReplicas"], 4);
  EXPECT_EQ(s["lastScaleTime"], "T1");
  EXPECT_EQ(s["observedGeneration"], 3);
  ASSERT_EQ(s["conditions"].size(), 3u);
  EXPECT_EQ(s["conditions"][0]["lastTransitionTime"], "T1");
  Decision hold;
  hold.current_replicas = 4;
  hold.desired_replicas = 4;
  hold.reason = "source scrape failed";
  json h = autoscaler_status(hold, "source_error", s, 3, "T2");
  EXPECT_EQ(h["lastScaleTime"], "T1");
  EXPECT_EQ(h["conditions"][0]["type"], "AbleToScale");
  EXPECT_EQ(h["conditions"][0]["lastTransitionTime"], "T1");  // still True
  EXPECT_EQ(h["conditions"][1]["reason"], "FailedGetPodsMetric");
  EXPECT_EQ(h["conditions"][1]["lastTransitionTime"], "T2");  // True -> False
}

}  // namespace
}  // namespace userscale::controller
