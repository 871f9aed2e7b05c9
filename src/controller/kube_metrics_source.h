// The metrics-API source of the Kubernetes world (`--source metrics-api`): the HPA's own way
// of reading metrics, through the API server and its aggregated metrics APIs, with the
// KubeClient's rate limit and retries. Each tick it reads
//  * metrics.k8s.io/v1beta1 pods by the target's selector (metrics-server): each pod's
//    containers' usage, for Resource metrics, and CPU utilization against the pod's CPU
//    requests (from the pod informer; --cpu-request-cores for a pod without one);
//  * custom.metrics.k8s.io/v1beta2 `pods/*/METRIC` for every Pods metric of the spec, and the
//    serving signals' names (observation_fill.h) for the policies that read those;
//  * custom.metrics.k8s.io/v1beta2 the described object of every Object metric;
//  * external.metrics.k8s.io/v1beta1 every External metric, by its selector.
// What an API did not give stays missing: a 404 (the APIService is not there, or no such
// metric), a 503 (the adapter is down), a malformed answer, or a pod left out of an answer.
// Missing values never argue for a scale-down: the HPA policy treats a failed metric as
// invalid (no scale-down when any metric is invalid) and missing pods as the HPA does, and the
// controller holds a scale-down while a ready pod reported no fresh sample. When every read
// fails the observation is an error, and the controller holds.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actuate/kube/informer.h"
#include "actuate/kube/kube_client.h"
#include "controller/metric_source.h"
#include "core/autoscaler_spec.h"

namespace userscale::controller {

struct KubeMetricsSourceOptions {
  std::string namespace_name;
  // The target's pod selector as last read ("app=web": the Scale's status.selector).
  std::function<std::string()> selector;
  std::vector<MetricSpec> metrics;  // the GPUAutoscaler's spec.metrics
  // Also read the serving signals' custom metrics (requests_in_flight, ...): the policies
  // other than `hpa` read those rather than spec.metrics.
  bool serving_metrics = true;
  double cpu_request_cores = 1.0;  // a pod's CPU request when its spec has none
};

class KubeMetricsSource final : public MetricSource {
 public:
  // `pods` (may be null) gives each pod's labels and resource requests.
  KubeMetricsSource(actuate::kube::KubeClient& client, const actuate::kube::Informer* pods,
                    KubeMetricsSourceOptions o);
  std::string name() const override { return "metrics-api"; }
  Result<Observation> observe(const ObserveRequest& request) override;

 private:
  Result<std::string> read(const std::string& path);

  actuate::kube::KubeClient& client_;
  const actuate::kube::Informer* pods_;
  KubeMetricsSourceOptions o_;
};

// A pod object's labels and resource requests into `p`, as the HPA reads them (containers,
// restartable init containers, pod-level spec.resources); a pod that requests no CPU at all
// gets `cpu_request_cores` as its pod-level CPU request.
void apply_pod_spec(PodInfo& p, const nlohmann::json& pod, double cpu_request_cores);

}  // namespace userscale::controller
