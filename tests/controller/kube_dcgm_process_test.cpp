// `userscale scaler --world kubernetes --source prometheus` end to end with the DCGM exporter:
// a real Prometheus scrapes two loopback endpoints serving the exporter's text format (one
// node's kept with honor_labels, the other's renamed to exported_pod / exported_namespace as a
// ServiceMonitor-style job does) and the pods' serve metrics; the fake API server lists the
// pods. The scaler must map each pod to its physical GPU by UUID and decide on the per-GPU
// view: two replicas time-sliced on one GPU count once.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "actuate/free_port.h"
#include "actuate/prometheus_server.h"
#include "kube_world_support.h"
#include "metrics/http_client.h"
#include "metrics/promql_client.h"

namespace userscale::controller {
namespace {

using nlohmann::json;
using testing::eventually;
using testing::FakeCluster;
using testing::KubeScaler;
using namespace std::chrono_literals;

struct DcgmRow {
  std::string uuid, gpu;
  double util, fb_used_mib, fb_free_mib;
  std::string pod_labels;  // `pod="..",namespace="..",container=".."`, or empty: no pod
};

// The exporter's text (dcgm-exporter 3.x with DCGM_EXPORTER_KUBERNETES=true): one series per
// GPU and pod; a time-sliced GPU repeats its values for every pod on it.
std::string dcgm_text(const std::string& host, const std::vector<DcgmRow>& rows) {
  std::ostringstream t;
  auto family = [&](const char* name, const char* help, double DcgmRow::*field) {
    t << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
    for (const auto& r : rows) {
      t << name << "{gpu=\"" << r.gpu << "\",UUID=\"" << r.uuid << "\",device=\"nvidia" << r.gpu
        << "\",modelName=\"NVIDIA A100-SXM4-40GB\",Hostname=\"" << host
        << "\",DCGM_FI_DRIVER_VERSION=\"535.104.05\"" << (r.pod_labels.empty() ? "" : ",")
        << r.pod_labels << "} " << r.*field << "\n";
    }
  };
  family("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", &DcgmRow::util);
  family("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", &DcgmRow::fb_used_mib);
  family("DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", &DcgmRow::fb_free_mib);
  return t.str();
}

std::string pod(const std::string& ns, const std::string& name) {
  return "container=\"serve\",namespace=\"" + ns + "\",pod=\"" + name + "\"";
}

userscale::testing::FakeApiServerOptions plain_http() {
  userscale::testing::FakeApiServerOptions o;
  o.tls = false;
  o.token = "";
  return o;
}

// The EWMA policy on GPU utilization alone: 50 % per GPU; one scale, then a long cooldown.
json gpu_ewma(int min, int max) {
  json a = testing::gpu_autoscaler("web", "web", min, max);
  a["spec"].erase("metrics");
  a["spec"]["policy"] = {{"name", "ewma"},
                         {"params",
                          {{"signals", "gpu"},
                           {"alpha", 1},  // no smoothing: each decision on the tick's reading
                           {"gpu_target", 50},
                           {"scale_up_step", 5},
                           {"cooldown_period", "100s"}}}};
  return a;
}

const json* gpu_of(const json& target, const std::string& uuid) {
  for (const auto& g : target["gpus"]) {
    if (g["uuid"] == uuid) return &g;
  }
  return nullptr;
}

TEST(KubeDcgm, MapsPodsToSharedGpusAndDecidesPerPhysicalGpu) {
  if (!std::filesystem::exists("/usr/bin/prometheus")) GTEST_SKIP() << "no /usr/bin/prometheus";
  FakeCluster c(3, 1);  // pods web-00000, web-00001, web-00002
  // node-a: GPU-A time-sliced between web-00000, web-00001 and batch's trainer; GPU-C held by
  // a pod of another namespace that has the same name as one of ours; GPU-D idle, no pod.
  userscale::testing::FakeApiServer node_a(plain_http());
  node_a.set_text(
      "/metrics",
      dcgm_text("node-a", {{"GPU-A", "0", 90, 30000, 10960, pod("default", "web-00000")},
                           {"GPU-A", "0", 90, 30000, 10960, pod("default", "web-00001")},
                           {"GPU-A", "0", 90, 30000, 10960, pod("batch", "trainer")},
                           {"GPU-C", "1", 100, 40000, 960, pod("batch", "web-00000")},
                           {"GPU-D", "2", 0, 0, 40960, ""}}));
  // node-b: GPU-B holds web-00002 alone.
  userscale::testing::FakeApiServer node_b(plain_http());
  node_b.set_text(
      "/metrics",
      dcgm_text("node-b", {{"GPU-B", "0", 30, 8000, 32960, pod("default", "web-00002")}}));

  actuate::PrometheusOptions po;
  po.run_dir = c.dir.file("prometheus");
  std::filesystem::create_directories(po.run_dir);
  po.scrape_interval = 1;
  const auto a = std::to_string(node_a.port()), b = std::to_string(node_b.port());
  po.extra_scrape_configs =
      "  - job_name: dcgm-exporter\n"
      "    honor_labels: true\n"
      "    scrape_interval: 1s\n"
      "    scrape_timeout: 1s\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:" +
      a +
      "']\n"
      // As a ServiceMonitor does: the target's own pod and namespace, so Prometheus renames
      // the exporter's to exported_pod / exported_namespace.
      "  - job_name: dcgm-exporter-servicemonitor\n"
      "    scrape_interval: 1s\n"
      "    scrape_timeout: 1s\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:" +
      b +
      "']\n"
      "        labels: {pod: dcgm-exporter-b, namespace: gpu-operator}\n";
  auto prom = actuate::PrometheusServer::start(po);
  ASSERT_TRUE(prom.ok()) << prom.error().to_string();
  const std::string serve_at = "127.0.0.1:" + std::to_string(c.pods_metrics.port());
  ASSERT_TRUE((*prom)
                  ->write_targets(
                      {{serve_at, "web-00000"}, {serve_at, "web-00001"}, {serve_at, "web-00002"}})
                  .ok());

  // Both exporters and the three pods scraped before the first decision: a half-scraped view
  // (one node's GPUs only) is a real transient, but not what this test is about.
  metrics::PromqlClient promql("127.0.0.1", std::to_string((*prom)->port()), 5s);
  auto count_of = [&](const std::string& expr) {
    auto r = promql.query("count(" + expr + ")");
    return r.ok() && !r->empty() ? static_cast<int>(r->front().value) : 0;
  };
  ASSERT_TRUE(eventually(
      [&] {
        return count_of("DCGM_FI_DEV_GPU_UTIL") == 6 && count_of("DCGM_FI_DEV_FB_FREE") == 6 &&
               count_of("userscale_requests_in_flight{job=\"userscale\"}") == 3;
      },
      30s));
  c.api.create(gpu_ewma(1, 10));
  const int port = actuate::free_loopback_port().value();
  KubeScaler s(c, "a",
               {"--leader-elect", "false", "--source", "prometheus", "--prometheus", (*prom)->url(),
                "--prometheus-job", "userscale", "--listen", "127.0.0.1:" + std::to_string(port)});

  // Per physical GPU: (90 + 30) / 2 = 60 % against 50 %: 3 x 1.2 -> 4. Counting the shared
  // GPU once per pod would read (90 + 90 + 30) / 3 = 70 % and ask for 5.
  ASSERT_TRUE(eventually([&] { return c.replicas() == 4; }, 60s))
      << s.log() << c.status("web").dump() << "\n"
      << userscale::testing::read_text(s.run_dir + "/decisions.jsonl");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(c.replicas(), 4) << "never 5: the shared GPU counts once";
    std::this_thread::sleep_for(100ms);
  }
  bool found = false;
  std::istringstream lines(userscale::testing::read_text(s.run_dir + "/decisions.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const json d = json::parse(line);
    if (d["kind"] != "scale_up") continue;
    found = true;
    EXPECT_EQ(d["current"], 3);
    EXPECT_EQ(d["desired"], 4);
    ASSERT_EQ(d["signals"].size(), 1u);
    EXPECT_EQ(d["signals"][0]["name"], "gpu");
    EXPECT_DOUBLE_EQ(d["signals"][0]["value"].get<double>(), 60.0) << line;
  }
  EXPECT_TRUE(found) << s.log();

  // The observation as the status endpoint shows it: pods grouped by UUID, only the GPUs the
  // target uses, the other namespace's pod named with its namespace, web-00003 (not in DCGM)
  // on no GPU.
  json target;
  ASSERT_TRUE(eventually(
      [&] {
        metrics::HttpClient http("127.0.0.1", std::to_string(port), 5s);
        auto r = http.get("/api/v1/snapshot");
        if (!r.ok() || r->status != 200) return false;
        const json snap = json::parse(r->body, nullptr, false);
        if (!snap.is_object() || snap["targets"].empty()) return false;
        target = snap["targets"][0];
        return target["gpus"].size() == 2;
      },
      20s))
      << target.dump();
  const json* ga = gpu_of(target, "GPU-A");
  const json* gb = gpu_of(target, "GPU-B");
  ASSERT_TRUE(ga && gb) << target.dump();
  EXPECT_EQ((*ga)["pods"], json({"batch/trainer", "web-00000", "web-00001"}));
  EXPECT_DOUBLE_EQ((*ga)["utilization"].get<double>(), 90);
  EXPECT_DOUBLE_EQ((*ga)["memory_used_bytes"].get<double>(), 30000.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ((*ga)["memory_total_bytes"].get<double>(), 40960.0 * 1024 * 1024);
  EXPECT_EQ((*ga)["model"], "NVIDIA A100-SXM4-40GB");
  EXPECT_EQ((*gb)["pods"], json({"web-00002"}));
  EXPECT_DOUBLE_EQ((*gb)["utilization"].get<double>(), 30);
  EXPECT_FALSE(gpu_of(target, "GPU-C")) << "batch's web-00000 is not ours";
  EXPECT_FALSE(gpu_of(target, "GPU-D"));
  (*prom)->stop();
}

}  // namespace
}  // namespace userscale::controller
