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

// `cpu_cores` by pod name: CPU cores used over the window.
void publish_pod_metrics(Observation& obs, const std::map<std::string, double>& cpu_cores,
                         Time now);

}  // namespace userscale::controller
