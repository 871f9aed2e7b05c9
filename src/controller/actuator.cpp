#include "controller/actuator.h"

#include "controller/metric_source.h"

namespace userscale::controller {

const char* phase_name(ReplicaPhase p) {
  switch (p) {
    case ReplicaPhase::Pending:
      return "pending";
    case ReplicaPhase::Starting:
      return "starting";
    case ReplicaPhase::Ready:
      return "ready";
    case ReplicaPhase::Terminating:
      return "terminating";
  }
  return "pending";
}

PodInfo pod_info(const ReplicaView& r, double cpu_request_cores) {
  PodInfo p;
  p.name = r.name;
  p.deleting = r.phase == ReplicaPhase::Terminating;
  p.phase = r.phase == ReplicaPhase::Pending ? PodPhase::Pending : PodPhase::Running;
  p.start_time = r.started;
  PodReadyCondition ready;
  ready.status = r.phase == ReplicaPhase::Ready ? ConditionStatus::True : ConditionStatus::False;
  ready.last_transition_time = r.started;
  p.ready = ready;
  p.containers.push_back(ContainerInfo{
      "serve", {{"cpu", static_cast<std::int64_t>(cpu_request_cores * 1000.0 + 0.5)}}});
  p.gpu_uuid = r.gpu;
  return p;
}

}  // namespace userscale::controller
