// Where the controller's observations come from (a direct scrape of each replica, a PromQL
// query, the simulator's pipeline, a fake). One interface, one file per source, as KEDA's
// scalers. The controller adds the time, the scale and the retries.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "controller/actuator.h"
#include "core/observation.h"
#include "core/result.h"

namespace userscale::controller {

struct ObserveRequest {
  Time now = 0;
  std::vector<ReplicaView> replicas;        // what the actuator runs now
  std::chrono::milliseconds timeout{2000};  // for each network call of one attempt
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  virtual std::string name() const = 0;
  // The pods (one per replica, with their serving signals), the GPUs and the service signals.
  // An error means the source could not be read at all; then the controller holds.
  virtual Result<Observation> observe(const ObserveRequest& request) = 0;
};

// The PodInfo the Kubernetes API would list for a replica, without signals.
PodInfo pod_info(const ReplicaView& r, double cpu_request_cores);

}  // namespace userscale::controller
