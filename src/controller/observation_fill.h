// The last step of every live source: from each pod's serving signals, the values the
// Kubernetes metrics APIs would serve (custom metrics per pod, as the Prometheus adapter names
// them in the simulator, and metrics.k8s.io CPU), so that every policy, the HPA included,
// reads the local world as it reads a cluster.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/observation.h"

namespace userscale::controller {

// The custom metric names of a pod's serving signals, as a Prometheus adapter serves serve's
// series (and the simulator names them): written by publish_pod_metrics, read back by the
// metrics-API source (kube_metrics_source.h).
struct ServingMetricName {
  const char* metric;
  std::optional<double> ServingSignals::*field;
};
inline constexpr ServingMetricName kServingMetricNames[] = {
    {"requests_in_flight", &ServingSignals::in_flight},
    {"requests_queued", &ServingSignals::queued},
    {"requests_per_second", &ServingSignals::arrival_rate},
    {"request_latency_ms", &ServingSignals::latency_mean_ms},
    {"DCGM_FI_DEV_GPU_UTIL", &ServingSignals::gpu_utilization},
};

// `cpu_cores` by pod name: CPU cores used over the window.
void publish_pod_metrics(Observation& obs, const std::map<std::string, double>& cpu_cores,
                         Time now);

}  // namespace userscale::controller
