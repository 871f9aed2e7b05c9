// `userscale scaler --world local --config GPUAUTOSCALER.yaml [--listen 127.0.0.1:PORT]
// [--run-dir DIR] [--source prometheus|scrape] [--haproxy-port P] [--serve-arg ARG]...
// [--scrape-interval S] [--window S] [--duration S] [--keda-port P [--keda-bind HOST]]`: the
// controller on the live local world
// (src/controller/local_world.h). Prints where HAProxy, Prometheus and the status endpoint
// listen, then the decisions as they happen. SIGINT/SIGTERM drain and stop everything it
// started; a scaler killed without that leaves them running for the next one to adopt. With
// --keda-port it also answers as a KEDA external scaler (src/keda) with its decisions.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>

#include "cli/commands.h"
#include "cli/scaler_common.h"
#include "cli/scaler_kubernetes.h"
#include "config/gpu_autoscaler.h"
#include "controller/clock.h"
#include "controller/controller.h"
#include "controller/local_world.h"
#include "controller/status_server.h"
#include "core/policies/registry.h"
#include "keda/keda_server.h"
#include "keda/keda_target.h"

namespace userscale::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop = true;
}

struct ScalerOptions {
  std::string world = "local";
  std::string config;
  std::string listen = "127.0.0.1:0";
  std::string run_dir;
  std::string source;
  int haproxy_port = 0;
  std::vector<std::string> serve_args;
  double scrape_interval = 1.0;
  double window = 10.0;
  double cpu_request = 1.0;
  double duration = 0.0;
  double drain_timeout = 10.0;
  int source_attempts = 3;
  double source_timeout = 2.0;
  int keda_port = -1;  // -1: no KEDA external scaler; 0: a free port
  std::string keda_bind = "127.0.0.1";
  KubeScalerOptions kube;
};

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

std::optional<double> slo_from_params(const AutoscalerSpec& spec) {
  for (const char* key : {"slo_ms", "latency_slo_ms", "latency_target_ms", "threshold_ms"}) {
    auto it = spec.policy.params.find(key);
    if (it == spec.policy.params.end()) continue;
    try {
      return std::stod(it->second);
    } catch (...) {
    }
  }
  return std::nullopt;
}

int run_scaler(const ScalerOptions& o) {
  if (o.world == "kubernetes") {
    KubeScalerOptions k = o.kube;
    k.listen = o.listen;
    k.run_dir = o.run_dir;
    k.window = o.window;
    k.cpu_request = o.cpu_request;
    k.duration = o.duration;
    k.source_attempts = o.source_attempts;
    k.source_timeout = o.source_timeout;
    if (!o.source.empty()) k.source = o.source;
    k.keda_port = o.keda_port;
    k.keda_bind = o.keda_bind;
    return run_kubernetes_scaler(k);
  }
  if (o.world != "local") {
    std::cerr << "userscale scaler: --world must be local or kubernetes (got \"" << o.world
              << "\")\n";
    return 2;
  }
  if (o.kube.mode != "actuate") {
    std::cerr << "userscale scaler: --mode " << o.kube.mode << " is for --world kubernetes\n";
    return 2;
  }
  if (o.config.empty()) {
    std::cerr << "userscale scaler: --world local needs --config GPUAUTOSCALER.yaml\n";
    return 2;
  }
  if (!o.source.empty() && o.source != "prometheus" && o.source != "scrape") {
    std::cerr << "userscale scaler: --source must be prometheus or scrape (got \"" << o.source
              << "\")\n";
    return 2;
  }
  auto parsed = load_gpu_autoscaler_file(o.config);
  if (!parsed.ok()) {
    for (const auto& e : parsed.errors()) std::cerr << o.config << ": " << e.to_string() << "\n";
    return 2;
  }
  const GpuAutoscaler& ga = parsed.value();
  HpaSettings settings;
  auto policy = make_policy(ga.spec, settings);
  if (!policy.ok()) {
    std::cerr << o.config << ": " << policy.error().to_string() << "\n";
    return 2;
  }
  const std::string ns =
      ga.metadata.namespace_name.empty() ? "default" : ga.metadata.namespace_name;
  const std::string target = ns + "/" + ga.spec.scale_target_ref.name;

  std::mutex out_mu;
  auto say = [&out_mu](const std::string& line) {
    std::lock_guard lock(out_mu);
    std::cout << "userscale scaler: " << line << std::endl;
  };

  controller::LocalWorldOptions lo;
  lo.run_dir = o.run_dir.empty() ? std::filesystem::temp_directory_path() /
                                       ("userscale-local-" + std::to_string(getuid()))
                                 : std::filesystem::path(o.run_dir);
  lo.serve_args = o.serve_args;
  lo.source = !o.source.empty()                               ? o.source
              : std::filesystem::exists(lo.prometheus_binary) ? "prometheus"
                                                              : "scrape";
  lo.haproxy_port = o.haproxy_port;
  lo.scrape_interval = o.scrape_interval;
  lo.window = o.window;
  lo.cpu_request_cores = o.cpu_request;
  lo.min_replicas = ga.spec.effective_min_replicas();
  lo.max_replicas = ga.spec.max_replicas;
  lo.drain_timeout = std::chrono::milliseconds(static_cast<long long>(o.drain_timeout * 1000));
  lo.log = say;

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  say("world local, target " + target + ", policy " + (*policy)->name() + ", replicas " +
      std::to_string(lo.min_replicas) + ".." + std::to_string(lo.max_replicas) + ", sync " +
      seconds_text(ga.spec.sync_period_seconds) + " s, source " + lo.source + ", run dir " +
      lo.run_dir.string());
  auto world = controller::LocalWorld::start(lo);
  if (!world.ok()) {
    std::cerr << "userscale scaler: " << world.error().to_string() << "\n";
    return 1;
  }
  say("HAProxy on http://127.0.0.1:" + std::to_string((*world)->haproxy_port()) + " (runtime API " +
      (lo.run_dir / "haproxy.sock").string() + ")");
  if (!(*world)->prometheus_url().empty()) say("Prometheus on " + (*world)->prometheus_url());

  controller::RealClock clock;
  controller::DecisionLog log(lo.run_dir / "decisions.jsonl", [&out_mu](const std::string& line) {
    std::lock_guard lock(out_mu);
    std::cout << line << std::endl;
  });
  controller::ControllerOptions co;
  co.world = "local";
  co.source_attempts = o.source_attempts;
  co.source_timeout = std::chrono::milliseconds(static_cast<long long>(o.source_timeout * 1000));
  controller::Controller ctl(clock, log, co);
  controller::TargetSetup t;
  t.name = target;
  t.spec = ga.spec;
  t.settings = settings;
  t.policy = std::move(policy).value();
  t.source = &(*world)->source();
  t.actuator = world->get();
  t.slo_ms = slo_from_params(ga.spec);
  ctl.add_target(std::move(t));

  auto endpoints = start_endpoints(ctl, o.listen, o.keda_port, o.keda_bind, target, say);
  if (!endpoints.ok()) {
    std::cerr << "userscale scaler: " << endpoints.error().to_string() << "\n";
    (*world)->stop();
    return 1;
  }

  std::thread deadline = stop_after(o.duration, g_stop);
  ctl.run(g_stop);
  if (deadline.joinable()) deadline.join();
  endpoints->stop();
  (*world)->stop();
  return 0;
}

}  // namespace

void add_scaler_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ScalerOptions>();
  CLI::App* cmd =
      app.add_subcommand("scaler", "Run the autoscaler on a world (local: serve + HAProxy)");
  cmd->add_option("--world", o->world, "local or kubernetes")->capture_default_str();
  cmd->add_option("--config", o->config, "GPUAutoscaler YAML (--world local)");
  cmd->add_option("--listen", o->listen, "Status endpoint HOST:PORT (0: a free port)")
      ->capture_default_str();
  cmd->add_option("--run-dir", o->run_dir,
                  "Configs, logs, state file (default: $TMPDIR/userscale-local-UID)");
  cmd->add_option("--source", o->source,
                  "prometheus or scrape (default: prometheus when /usr/bin/prometheus exists); "
                  "--world kubernetes also metrics-api (metrics.k8s.io, custom and external "
                  "metrics APIs, as the HPA reads them)");
  cmd->add_option("--haproxy-port", o->haproxy_port, "Where clients connect (0: a free port)");
  cmd->add_option("--serve-arg", o->serve_args, "Argument for every `userscale serve` replica")
      ->allow_extra_args(false);
  cmd->add_option("--scrape-interval", o->scrape_interval, "Prometheus scrape interval, seconds")
      ->capture_default_str();
  cmd->add_option("--window", o->window, "Rate and percentile window, seconds")
      ->capture_default_str();
  cmd->add_option("--cpu-request", o->cpu_request, "CPU request of a replica, cores")
      ->capture_default_str();
  cmd->add_option("--drain-timeout", o->drain_timeout,
                  "Longest wait for the balancer to empty a replica, seconds")
      ->capture_default_str();
  cmd->add_option("--source-attempts", o->source_attempts, "Tries per tick")->capture_default_str();
  cmd->add_option("--source-timeout", o->source_timeout, "Seconds per source call")
      ->capture_default_str();
  cmd->add_option("--duration", o->duration, "Stop after this many seconds (0: until a signal)");
  cmd->add_option("--keda-port", o->keda_port,
                  "Serve KEDA's external scaler gRPC API on this port (0: a free one)");
  cmd->add_option("--keda-bind", o->keda_bind, "Address of the KEDA gRPC API")
      ->capture_default_str();
  // --world kubernetes (src/cli/scaler_kubernetes.h)
  KubeScalerOptions& k = o->kube;
  cmd->add_option("--kubeconfig", k.kubeconfig,
                  "kubeconfig file (default $KUBECONFIG, ~/.kube/config)");
  cmd->add_option("--context", k.context, "kubeconfig context (default: current-context)");
  cmd->add_flag("--in-cluster", k.in_cluster, "Service account and KUBERNETES_SERVICE_HOST/PORT");
  cmd->add_option("--namespace", k.namespace_name,
                  "Watch GPUAutoscalers here (default: context's)");
  cmd->add_flag("--all-namespaces", k.all_namespaces, "Watch GPUAutoscalers in every namespace");
  cmd->add_option("--prometheus", k.prometheus, "Prometheus URL for --source prometheus")
      ->capture_default_str();
  cmd->add_option("--prometheus-job", k.prometheus_job,
                  "Prometheus job of the replicas' series for --source prometheus")
      ->capture_default_str();
  cmd->add_option("--mode", k.mode,
                  "actuate, or advisory: decide, write status, publish "
                  "userscale_desired_replicas and KEDA, never PATCH /scale (--world kubernetes; "
                  "annotation userscale.dev/mode overrides per object)")
      ->capture_default_str();
  cmd->add_option("--kube-qps", k.qps, "Client-side API rate limit")->capture_default_str();
  cmd->add_option("--kube-burst", k.burst, "Client-side API burst")->capture_default_str();
  cmd->add_option("--leader-elect", k.leader_elect, "Leader election on a Lease (true/false)")
      ->capture_default_str();
  cmd->add_option("--lease-name", k.lease_name, "The Lease's name")->capture_default_str();
  cmd->add_option("--lease-namespace", k.lease_namespace, "The Lease's namespace");
  cmd->add_option("--lease-duration", k.lease_duration, "Seconds")->capture_default_str();
  cmd->add_option("--renew-deadline", k.renew_deadline, "Seconds")->capture_default_str();
  cmd->add_option("--retry-period", k.retry_period, "Seconds")->capture_default_str();
  cmd->add_option("--identity", k.identity,
                  "Lease holder identity (default $POD_NAME or HOST-PID)");
  cmd->add_flag("--quiet", k.quiet, "No decision lines on stdout (still in the run dir)");
  cmd->callback([o, &exit_code] { exit_code = run_scaler(*o); });
}

}  // namespace userscale::cli
