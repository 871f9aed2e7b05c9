// A fake source and actuator for the controller's unit tests: the actuator's replicas appear
// and go at once; the source reports the same requests in flight on every pod (or fails, or
// reports old samples), as a test sets it.
#pragma once

#include <string>
#include <vector>

#include "controller/actuator.h"
#include "controller/metric_source.h"
#include "controller/observation_fill.h"

namespace userscale::controller::testing {

class FakeActuator : public Actuator {
 public:
  explicit FakeActuator(int n) { scale(n); }
  Result<ActuatorState> state() override {
    ActuatorState s;
    s.desired = desired;
    s.current = desired;
    s.ready = desired;
    for (int i = 0; i < desired; ++i) {
      ReplicaView r;
      r.name = "replica-" + std::to_string(i + 1);
      r.phase = ReplicaPhase::Ready;
      r.started = 1'735'600'000.0;
      r.address = "127.0.0.1:" + std::to_string(9000 + i);
      s.replicas.push_back(r);
    }
    return s;
  }
  Status scale(std::int32_t n) override {
    desired = n;
    calls.push_back(n);
    return ok_status();
  }
  int desired = 0;
  std::vector<int> calls;
};

class FakeSource : public MetricSource {
 public:
  std::string name() const override { return "fake"; }
  Result<Observation> observe(const ObserveRequest& req) override {
    ++observed;
    if (failures_left > 0) {
      --failures_left;
      return Error{"connect", "127.0.0.1:1: connection refused"};
    }
    Observation obs;
    for (const auto& r : req.replicas) {
      PodInfo p = pod_info(r, 1.0);
      p.serving.in_flight = total_in_flight / static_cast<double>(req.replicas.size());
      p.serving.sample_time = req.now - sample_age;
      obs.pods.push_back(p);
    }
    publish_pod_metrics(obs, {}, req.now);
    return obs;
  }
  double total_in_flight = 0;
  double sample_age = 0;
  int failures_left = 0;
  int observed = 0;
};

}  // namespace userscale::controller::testing
