// The Kubernetes world: lists and watches GPUAutoscaler objects (userscale.dev/v1alpha1),
// validates each with the config parser (an invalid one gets a ScalingActive=False InvalidSpec
// condition and is not acted on), and runs one control loop per valid object through the
// controller: a KubernetesActuator on its scaleTargetRef, the pods from one shared pod
// informer, and a metric source (each pod's /metrics, or Prometheus). After every decision it
// writes the object's status as the HPA does (currentReplicas, desiredReplicas, lastScaleTime,
// conditions AbleToScale, ScalingActive, ScalingLimited) when it changed, and POSTs an Event
// for every scaling. With leader election on, only the lease holder ticks.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "actuate/kube/informer.h"
#include "actuate/kube/kube_client.h"
#include "controller/controller.h"
#include "controller/kube_actuator.h"
#include "controller/leader_election.h"
#include "controller/metric_source.h"

namespace userscale::controller {

inline constexpr const char* kGpuAutoscalerPlural = "gpuautoscalers";
inline constexpr const char* kModeAnnotation = "userscale.dev/mode";

struct KubeWorldOptions {
  std::string namespace_name;     // empty: every namespace
  std::string source = "scrape";  // "prometheus" (GPUs from the DCGM exporter), "metrics-api"
  std::string prometheus_host = "127.0.0.1";
  std::string prometheus_port = "9090";
  std::string prometheus_job = "userscale";
  double window = 10.0;
  double cpu_request_cores = 1.0;
  // Advisory: decide, write the status and publish userscale_desired_replicas (and KEDA) but
  // never PATCH /scale. An object's annotation userscale.dev/mode (advisory or actuate)
  // overrides this for that object.
  bool advisory = false;
  std::string identity;  // reportingInstance of events; the lease holder
  bool leader_elect = true;
  LeaderElectionOptions leader;
  std::function<void(const std::string&)> log;
};

class KubeWorld {
 public:
  KubeWorld(actuate::kube::KubeClient& client, Controller& controller, KubeWorldOptions o);
  ~KubeWorld();
  KubeWorld(const KubeWorld&) = delete;
  KubeWorld& operator=(const KubeWorld&) = delete;

  // Starts the informers (and the elector); false when the first lists fail within `limit`.
  Status start(std::chrono::milliseconds limit);
  // Applies GPUAutoscaler changes and ticks the due targets until `stop`.
  void run(const std::atomic<bool>& stop);
  void stop();

  // What the controller's on_decision must call (wired by the caller that builds the
  // Controller's options before the world exists).
  void on_decision(const std::string& target, const Decision& d, const std::string& kind);
  std::size_t active_targets() const;
  bool leading() const;

 private:
  struct Entry;
  void sync_autoscalers();
  void add(const std::string& key, const nlohmann::json& obj);
  void drop(const std::string& key);
  void write_invalid_statuses();
  void write_status(Entry& e, nlohmann::json status);
  void post_event(const Entry& e, const std::string& reason, const std::string& message,
                  const std::string& type);
  std::unique_ptr<MetricSource> make_source(const std::string& ns) const;
  std::unique_ptr<MetricSource> make_metrics_api_source(const Entry& e,
                                                        const AutoscalerSpec& spec) const;
  void say(const std::string& line) const;

  actuate::kube::KubeClient& client_;
  Controller& controller_;
  KubeWorldOptions o_;
  std::unique_ptr<actuate::kube::Informer> autoscalers_;
  std::unique_ptr<actuate::kube::Informer> pods_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<bool> dirty_{true};
  std::map<std::string, std::unique_ptr<Entry>> entries_;  // by "namespace/name"
  std::map<std::string, std::string> by_target_;           // controller target -> entry key
};

// The HPA-like status for a decision; `previous` keeps lastTransitionTime and lastScaleTime.
nlohmann::json autoscaler_status(const Decision& d, const std::string& kind,
                                 const nlohmann::json& previous, std::int64_t generation,
                                 const std::string& now);

}  // namespace userscale::controller
