#include "cli/scaler_kubernetes.h"

#include "cli/scaler_common.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "actuate/kube/kube_client.h"
#include "actuate/kube/kube_config.h"
#include "controller/clock.h"
#include "controller/controller.h"
#include "controller/decision_log.h"
#include "controller/kube_world.h"
#include "controller/status_server.h"
#include "keda/keda_server.h"
#include "keda/keda_target.h"
#include "metrics/http_client.h"

namespace userscale::cli {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

Result<actuate::kube::KubeConfig> load_config(const KubeScalerOptions& o) {
  if (o.in_cluster) return actuate::kube::in_cluster_config();
  std::string file = o.kubeconfig;
  if (file.empty()) {
    if (const char* env = std::getenv("KUBECONFIG"); env && *env) file = env;
  }
  if (file.empty()) {
    if (const char* home = std::getenv("HOME")) file = std::string(home) + "/.kube/config";
  }
  return actuate::kube::load_kubeconfig(file, o.context);
}

std::string default_identity() {
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(::getpid());
}

}  // namespace

int run_kubernetes_scaler(const KubeScalerOptions& o) {
  if (o.source != "scrape" && o.source != "prometheus" && o.source != "metrics-api") {
    std::cerr << "userscale scaler: --source must be scrape, prometheus or metrics-api (got \""
              << o.source << "\")\n";
    return 2;
  }
  if (o.mode != "actuate" && o.mode != "advisory") {
    std::cerr << "userscale scaler: --mode must be actuate or advisory (got \"" << o.mode
              << "\")\n";
    return 2;
  }
  auto prom = metrics::parse_url(o.prometheus);
  if (o.source == "prometheus" && !prom.ok()) {
    std::cerr << "userscale scaler: --prometheus: " << prom.error().to_string() << "\n";
    return 2;
  }
  auto config = load_config(o);
  if (!config.ok()) {
    std::cerr << "userscale scaler: " << config.error().to_string() << "\n";
    return 2;
  }
  actuate::kube::KubeClientOptions co;
  co.qps = o.qps;
  co.burst = o.burst;
  auto client = actuate::kube::KubeClient::create(*config, co);
  if (!client.ok()) {
    std::cerr << "userscale scaler: " << client.error().to_string() << "\n";
    return 2;
  }
  const std::string ns = o.all_namespaces                  ? ""
                         : !o.namespace_name.empty()       ? o.namespace_name
                         : !config->namespace_name.empty() ? config->namespace_name
                                                           : "default";
  std::mutex out_mu;
  auto say = [&out_mu](const std::string& line) {
    std::lock_guard lock(out_mu);
    std::cout << "userscale scaler: " << line << std::endl;
  };
  for (const auto& w : config->warnings) say("warning: " + w);

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  const std::filesystem::path run_dir = o.run_dir.empty()
                                            ? std::filesystem::temp_directory_path() /
                                                  ("userscale-kube-" + std::to_string(::getpid()))
                                            : std::filesystem::path(o.run_dir);
  std::filesystem::create_directories(run_dir);
  controller::RealClock clock;
  controller::DecisionLog log(run_dir / "decisions.jsonl", [&out_mu, &o](const std::string& line) {
    if (o.quiet) return;
    std::lock_guard lock(out_mu);
    std::cout << line << std::endl;
  });
  controller::KubeWorld* world_ptr = nullptr;
  controller::ControllerOptions cto;
  cto.world = "kubernetes";
  cto.source_attempts = o.source_attempts;
  cto.source_timeout = ms(o.source_timeout);
  cto.on_decision = [&world_ptr](const std::string& t, const Decision& d, const std::string& k) {
    if (world_ptr) world_ptr->on_decision(t, d, k);
  };
  controller::Controller ctl(clock, log, cto);

  controller::KubeWorldOptions wo;
  wo.namespace_name = ns;
  wo.source = o.source;
  if (prom.ok()) {
    wo.prometheus_host = prom->host;
    wo.prometheus_port = prom->port;
  }
  wo.prometheus_job = o.prometheus_job;
  wo.advisory = o.mode == "advisory";
  wo.window = o.window;
  wo.cpu_request_cores = o.cpu_request;
  wo.identity = o.identity.empty() ? default_identity() : o.identity;
  wo.leader_elect = o.leader_elect;
  wo.leader.namespace_name = !o.lease_namespace.empty() ? o.lease_namespace
                             : ns.empty()               ? "default"
                                                        : ns;
  wo.leader.name = o.lease_name;
  wo.leader.identity = wo.identity;
  wo.leader.lease_duration = ms(o.lease_duration);
  wo.leader.renew_deadline = ms(o.renew_deadline);
  wo.leader.retry_period = ms(o.retry_period);
  wo.log = say;
  controller::KubeWorld world(**client, ctl, wo);
  world_ptr = &world;

  say("world kubernetes, " + config->source + ", server " + config->scheme + "://" + config->host +
      ":" + config->port + ", namespace " + (ns.empty() ? "(all)" : ns) + ", source " + o.source +
      ", mode " + o.mode + ", identity " + wo.identity +
      (o.leader_elect
           ? ", leader election on lease " + wo.leader.namespace_name + "/" + wo.leader.name
           : ", no leader election"));
  if (auto st = world.start(std::chrono::seconds(30)); !st.ok()) {
    std::cerr << "userscale scaler: " << st.error().to_string() << "\n";
    return 1;
  }
  // Only the leader decides: on a follower every target is still unknown, and KEDA is told so
  // (UNAVAILABLE) rather than 0.
  auto endpoints =
      start_endpoints(ctl, o.listen, o.keda_port, o.keda_bind, "NAMESPACE/DEPLOYMENT", say);
  if (!endpoints.ok()) {
    std::cerr << "userscale scaler: " << endpoints.error().to_string() << "\n";
    world.stop();
    return 1;
  }
  std::thread deadline = stop_after(o.duration, g_stop);
  world.run(g_stop);
  if (deadline.joinable()) deadline.join();
  endpoints->stop();
  world.stop();
  const auto counters = (*client)->counters();
  say("stopped; API requests " + std::to_string(counters.requests) + ", retries " +
      std::to_string(counters.retries) + ", throttled " + std::to_string(counters.throttled));
  return 0;
}

}  // namespace userscale::cli
