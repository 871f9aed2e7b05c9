// The Kubernetes world's actuator: a workload's scale subresource (GET; merge PATCH of
// spec.replicas guarded by the resourceVersion just read, re-read and retried on 409) and its
// pods from a shared pod informer, matched by the Scale's status.selector. Each pod becomes a
// replica: phase from status.phase, the Ready condition and deletionTimestamp; its metrics
// address from podIP and the port annotated `prometheus.io/port` (else the container port
// named "metrics", else the first); its GPU from the `userscale.dev/gpu-uuid` annotation.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "actuate/kube/informer.h"
#include "actuate/kube/kube_client.h"
#include "controller/actuator.h"

namespace userscale::controller {

inline constexpr const char* kGpuUuidAnnotation = "userscale.dev/gpu-uuid";
inline constexpr const char* kMetricsPortAnnotation = "prometheus.io/port";

struct KubeTargetRef {
  std::string namespace_name;
  std::string api_version = "apps/v1";  // of the scaled workload
  std::string kind = "Deployment";
  std::string name;
};

// "/apis/apps/v1/namespaces/NS/deployments/NAME/scale"; an error for a kind it cannot scale.
Result<std::string> scale_path(const KubeTargetRef& t);

// One pod as a replica; nullopt for a pod that is no replica any more (Succeeded, Failed).
std::optional<ReplicaView> replica_of_pod(const nlohmann::json& pod);

class KubernetesActuator final : public Actuator {
 public:
  KubernetesActuator(actuate::kube::KubeClient& client, actuate::kube::Informer& pods,
                     KubeTargetRef target, int conflict_attempts = 5);

  Result<ActuatorState> state() override;
  Status scale(std::int32_t replicas) override;
  // The Scale's selector as last read ("app=web"); empty before the first state().
  std::string selector() const;

 private:
  Result<nlohmann::json> get_scale();

  actuate::kube::KubeClient& client_;
  actuate::kube::Informer& pods_;
  KubeTargetRef target_;
  int conflict_attempts_;
  std::string path_;
  mutable std::mutex mu_;
  std::string resource_version_;
  std::string selector_;
};

}  // namespace userscale::controller
