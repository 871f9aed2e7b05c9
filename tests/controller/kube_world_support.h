// A small cluster for the Kubernetes world's tests: the fake API server over TLS with a
// kubeconfig, a second plain fake serving the pods' /metrics (every pod of the fake points at
// it), a Deployment `web`, and GPUAutoscalers on it (the HPA on requests in flight, 2 per pod).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/fake_apiserver.h"
#include "support/scratch_dir.h"

namespace userscale::controller::testing {

inline std::string serve_metrics(double in_flight) {
  return "# TYPE userscale_requests_in_flight gauge\nuserscale_requests_in_flight " +
         std::to_string(in_flight) +
         "\n# TYPE userscale_request_queue_length gauge\nuserscale_request_queue_length 0\n";
}

inline nlohmann::json gpu_autoscaler(const std::string& name, const std::string& target, int min,
                                     int max, double sync_seconds = 1) {
  return {
      {"apiVersion", "userscale.dev/v1alpha1"},
      {"kind", "GPUAutoscaler"},
      {"metadata", {{"name", name}, {"namespace", "default"}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", target}}},
        {"minReplicas", min},
        {"maxReplicas", max},
        {"metrics", nlohmann::json::array(
                        {{{"type", "Pods"},
                          {"pods",
                           {{"metric", {{"name", "requests_in_flight"}}},
                            {"target", {{"type", "AverageValue"}, {"averageValue", "2"}}}}}}})},
        {"behavior",
         {{"scaleUp", {{"stabilizationWindowSeconds", 0}}},
          {"scaleDown", {{"stabilizationWindowSeconds", 0}}}}},
        {"policy", {{"name", "hpa"}}},
        {"syncPeriodSeconds", sync_seconds}}}};
}

struct FakeCluster {
  userscale::testing::FakeApiServer api;
  userscale::testing::FakeApiServer pods_metrics{[] {
    userscale::testing::FakeApiServerOptions o;
    o.tls = false;
    o.token = "";
    return o;
  }()};
  userscale::testing::ScratchDir dir{"kube-world"};
  std::string kubeconfig;

  explicit FakeCluster(int replicas = 1, double in_flight = 1) {
    kubeconfig = api.write_kubeconfig(dir.file("kubeconfig"));
    pods_metrics.set_text("/metrics", serve_metrics(in_flight));
    api.create(userscale::testing::FakeApiServer::deployment("default", "web", replicas,
                                                             pods_metrics.port()));
  }
  int replicas() const {
    auto d = api.get("/apis/apps/v1/namespaces/default/deployments/web");
    return d ? (*d)["spec"].value("replicas", -1) : -1;
  }
  nlohmann::json autoscaler(const std::string& name) const {
    return api.get("/apis/userscale.dev/v1alpha1/namespaces/default/gpuautoscalers/" + name)
        .value_or(nlohmann::json());
  }
  // Its status: an empty object until one is written, or while the object cannot be read (a
  // poll must not throw on either).
  nlohmann::json status(const std::string& name) const {
    const nlohmann::json o = autoscaler(name);
    if (!o.is_object() || !o.contains("status") || !o["status"].is_object()) {
      return nlohmann::json::object();
    }
    return o["status"];
  }
};

// A real `userscale scaler --world kubernetes` process on the cluster (namespace default, a 2 s
// window, 120 s at most); `extra` comes last. Its stdout and stderr go to NAME.out / NAME.err,
// its run directory is NAME, all in the cluster's scratch folder.
struct KubeScaler {
  static std::vector<std::string> argv(const FakeCluster& c, const std::string& run_dir,
                                       std::vector<std::string> extra) {
    std::vector<std::string> v = {USERSCALE_BINARY, "scaler",     "--world",           "kubernetes",
                                  "--kubeconfig",   c.kubeconfig, "--namespace",       "default",
                                  "--run-dir",      run_dir,      "--window",          "2",
                                  "--duration",     "120",        "--source-attempts", "1"};
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  }
  KubeScaler(const FakeCluster& c, const std::string& name,
             std::vector<std::string> extra = {"--leader-elect", "false"})
      : out(c.dir.file(name + ".out")),
        err(c.dir.file(name + ".err")),
        run_dir(c.dir.file(name)),
        child(argv(c, run_dir, std::move(extra)), out, err) {}
  std::string log() const {
    return userscale::testing::read_text(out) + userscale::testing::read_text(err);
  }
  std::string out, err, run_dir;
  userscale::testing::ChildProcess child;
};

// Polls `cond` until true or `limit` passes.
template <typename F>
bool eventually(F cond, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

}  // namespace userscale::controller::testing
