// What the controller scales: a Deployment in a cluster, `userscale serve` processes locally, or
// a fake in tests. The controller reads the state, then asks for a count; how replicas come and
// go (readiness, draining) is the actuator's business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/timefmt.h"

namespace userscale::controller {

enum class ReplicaPhase { Pending, Starting, Ready, Terminating };
const char* phase_name(ReplicaPhase p);

struct ReplicaView {
  std::string name;
  ReplicaPhase phase = ReplicaPhase::Pending;
  std::optional<Time> started;     // when the process (pod) started
  std::string address;             // "127.0.0.1:PORT" where its /metrics is; empty when unknown
  std::optional<std::string> gpu;  // the physical GPU's UUID, when known
};

struct ActuatorState {
  std::int32_t desired = 0;  // the count last asked for (spec.replicas)
  std::int32_t current = 0;  // replicas not terminating (status.replicas)
  std::int32_t ready = 0;
  std::vector<ReplicaView> replicas;
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  virtual Result<ActuatorState> state() = 0;
  virtual Status scale(std::int32_t replicas) = 0;
};

}  // namespace userscale::controller
