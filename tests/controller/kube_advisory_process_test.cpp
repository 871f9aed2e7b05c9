// Advisory mode end to end: a real `userscale scaler --world kubernetes --mode advisory`
// against the fake API server decides, writes desiredReplicas to the GPUAutoscaler's status and
// publishes userscale_desired_replicas, but never writes the Deployment's /scale (KEDA or an
// HPA actuates). The annotation userscale.dev/mode makes one object advisory under an actuating
// scaler. The scaler also warns about a kubeconfig with insecure-skip-tls-verify.
#include <gtest/gtest.h>

#include "actuate/free_port.h"
#include "kube_world_support.h"
#include "metrics/http_client.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using testing::eventually;
using testing::FakeCluster;
using testing::KubeScaler;
using namespace std::chrono_literals;

int scale_writes(const FakeCluster& c, const std::string& deployment) {
  const std::string path = "/deployments/" + deployment + "/scale";
  return c.api.count("PATCH", path) + c.api.count("PUT", path);
}

std::string get(int port, const std::string& path) {
  metrics::HttpClient http("127.0.0.1", std::to_string(port), 5s);
  auto r = http.get(path);
  return r.ok() && r->status == 200 ? r->body : "";
}

TEST(KubeAdvisory, DecidesAndPublishesButNeverWritesScale) {
  FakeCluster c(1, 6);  // 6 in flight against 2 per pod: the HPA wants 3
  // A kubeconfig that skips verification: it still works, and the scaler says so.
  userscale::testing::write_text(
      c.dir.file("insecure"),
      "current-context: a\ncontexts:\n- name: a\n  context: {cluster: fake, user: u, "
      "namespace: default}\nclusters:\n- name: fake\n  cluster:\n    server: " +
          c.api.url() +
          "\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {token: test-token}\n");
  c.kubeconfig = c.dir.file("insecure");
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 4));
  const int port = actuate::free_loopback_port().value();
  KubeScaler s(c, "a",
               {"--leader-elect", "false", "--mode", "advisory", "--listen",
                "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(eventually([&] { return c.status("web").value("desiredReplicas", 0) == 3; }, 60s))
      << s.log();
  EXPECT_TRUE(eventually(
      [&] {
        return get(port, "/metrics").find("userscale_desired_replicas{target=\"default/web\"} 3") !=
               std::string::npos;
      },
      10s))
      << get(port, "/metrics");
  for (int i = 0; i < 30; ++i) {  // three more ticks: the advice holds, it does not flap
    EXPECT_EQ(c.status("web").value("desiredReplicas", 0), 3);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(scale_writes(c, "web"), 0) << "advisory: /scale is read, never written";
  EXPECT_GT(c.api.count("GET", "/deployments/web/scale"), 0);
  EXPECT_EQ(c.replicas(), 1);
  const json status = c.status("web");
  EXPECT_EQ(status.value("currentReplicas", 0), 1);
  EXPECT_FALSE(status.contains("lastScaleTime")) << "nothing was scaled: " << status.dump();
  EXPECT_EQ(status["conditions"][0]["type"], "AbleToScale");
  EXPECT_EQ(status["conditions"][0]["reason"], "AdvisoryOnly") << status.dump();
  EXPECT_TRUE(c.api.list("/api/v1/namespaces/default/events").empty())
      << "no SuccessfulRescale for a scale that did not happen";
  const std::string log = s.log();
  EXPECT_NE(log.find("mode advisory"), std::string::npos) << log;
  EXPECT_NE(log.find("ADVISED 1 -> 3"), std::string::npos) << log;
  EXPECT_EQ(log.find("SCALED"), std::string::npos) << log;
  EXPECT_NE(log.find("warning: clusters[fake].insecure-skip-tls-verify is true"), std::string::npos)
      << log;

  // What actuates (KEDA, an HPA) applies it: the next decisions start from the real count.
  c.api.set_replicas("default", "web", 3);
  // 3 pods x 6 in flight / 2 per pod = 9, capped at maxReplicas 4.
  ASSERT_TRUE(eventually(
      [&] {
        const json st = c.status("web");
        return st.value("currentReplicas", 0) == 3 && st.value("desiredReplicas", 0) == 4;
      },
      30s))
      << s.log() << c.status("web").dump();
  EXPECT_EQ(scale_writes(c, "web"), 0);
}

TEST(KubeAdvisory, TheAnnotationMakesOneObjectAdvisory) {
  FakeCluster c(1, 6);
  c.api.create(
      userscale::testing::FakeApiServer::deployment("default", "api", 1, c.pods_metrics.port()));
  c.api.create(testing::gpu_autoscaler("web", "web", 1, 3));
  json advised = testing::gpu_autoscaler("api", "api", 1, 3);
  advised["metadata"]["annotations"] = {{"userscale.dev/mode", "advisory"}};
  c.api.create(advised);
  json typo = testing::gpu_autoscaler("typo", "other", 1, 3);
  typo["metadata"]["annotations"] = {{"userscale.dev/mode", "advise"}};
  c.api.create(typo);
  KubeScaler s(c, "a");
  ASSERT_TRUE(eventually([&] { return c.replicas() == 3; }, 60s)) << s.log();
  ASSERT_TRUE(eventually([&] { return c.status("api").value("desiredReplicas", 0) == 3; }, 30s))
      << s.log();
  // (the fake logs a request after answering it)
  EXPECT_TRUE(eventually([&] { return scale_writes(c, "web") > 0; }, 5s))
      << "the scaler actuates by default";
  EXPECT_EQ(scale_writes(c, "api"), 0) << "but not the advisory object's target";
  auto api = c.api.get("/apis/apps/v1/namespaces/default/deployments/api");
  ASSERT_TRUE(api);
  EXPECT_EQ((*api)["spec"].value("replicas", -1), 1);

  // The annotation changed to actuate: the object is re-read and its target scaled.
  advised["metadata"]["annotations"] = {{"userscale.dev/mode", "actuate"}};
  c.api.create(advised);
  EXPECT_TRUE(eventually(
      [&] {
        auto d = c.api.get("/apis/apps/v1/namespaces/default/deployments/api");
        return d && (*d)["spec"].value("replicas", -1) == 3;
      },
      30s))
      << s.log();

  ASSERT_TRUE(eventually([&] { return c.status("typo").contains("conditions"); }, 20s));
  const json cond = c.status("typo")["conditions"][0];
  EXPECT_EQ(cond["reason"], "InvalidSpec");
  EXPECT_NE(cond["message"].get<std::string>().find("metadata.annotations[userscale.dev/mode]"),
            std::string::npos)
      << cond.dump();
}

}  // namespace
}  // namespace userscale::controller
