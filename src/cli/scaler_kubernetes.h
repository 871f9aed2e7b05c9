// `userscale scaler --world kubernetes`: the controller on a cluster (src/controller/kube_world.h).
#pragma once

#include <string>

namespace userscale::cli {

struct KubeScalerOptions {
  std::string kubeconfig;  // empty with in_cluster false: $KUBECONFIG, then ~/.kube/config
  std::string context;
  bool in_cluster = false;
  std::string namespace_name;  // empty: every namespace
  bool all_namespaces = false;
  std::string source = "scrape";
  std::string prometheus_job = "userscale-serve";  // deploy/base/prometheus/prometheus.yml's
  std::string mode = "actuate";                    // or advisory: never PATCH /scale
  std::string prometheus = "http://127.0.0.1:9090";
  double qps = 5.0;
  int burst = 10;
  bool leader_elect = true;
  std::string lease_name = "userscale-scaler";
  std::string lease_namespace;  // empty: the namespace, else "default"
  double lease_duration = 15.0;
  double renew_deadline = 10.0;
  double retry_period = 2.0;
  std::string identity;  // empty: $POD_NAME, else HOSTNAME-PID
  std::string listen = "127.0.0.1:0";
  std::string run_dir;
  double window = 10.0;
  double cpu_request = 1.0;
  double duration = 0.0;
  bool quiet = false;  // no decision lines on stdout
  int source_attempts = 3;
  double source_timeout = 2.0;
  int keda_port = -1;  // -1: no KEDA external scaler; 0: a free port
  std::string keda_bind = "127.0.0.1";
};

int run_kubernetes_scaler(const KubeScalerOptions& o);

}  // namespace userscale::cli
