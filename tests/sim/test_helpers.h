// Scenario builders and a fixed-count policy for the simulator's tests.
#pragma once

#include <memory>
#include <string>

#include "config/scenario.h"
#include "core/policy.h"
#include "sim/simulator.h"

namespace userscale::sim::testing {

// Keeps whatever count the target has: the tests drive replicas through the scenario.
class KeepPolicy : public Policy {
 public:
  explicit KeepPolicy(int desired = -1) : desired_(desired) {}
  std::string name() const override { return "keep"; }
  Recommendation recommend(const Observation& obs) override {
    Recommendation r;
    r.desired_replicas = desired_ >= 0 ? desired_ : obs.scale.spec_replicas;
    r.reason = "test policy";
    return r;
  }

 private:
  int desired_;
};

inline PolicyFactory keep_policy(int desired = -1) {
  return [desired] { return std::make_unique<KeepPolicy>(desired); };
}

// One node, `gpus` exclusive GPUs of speed 1, `replicas` warm replicas; no CPU phase, GPU
// work exponential with `mean_service`; no concurrency limit unless set.
inline config::Scenario queueing_scenario(int gpus, int replicas, double mean_service) {
  config::Scenario sc;
  sc.name = "queueing";
  sc.duration = 1000.0;
  config::NodePoolSpec pool;
  pool.gpus_per_node = gpus;
  pool.initial_nodes = 1;
  pool.max_nodes = 1;
  pool.gpu_memory_bytes = 1e12;
  sc.cluster.pools.push_back(pool);
  sc.cluster.sharing.mode = config::SharingMode::Exclusive;
  sc.service.cpu_cost = config::DistSpec::constant(0.0);
  sc.service.gpu_cost = config::DistSpec::exponential(mean_service);
  sc.service.memory_base_bytes = 0.0;
  sc.service.memory_per_request_bytes = 0.0;
  sc.service.initial_replicas = replicas;
  sc.autoscaler.max_replicas = replicas;
  sc.autoscaler.min_replicas = replicas;
  sc.autoscaler.sync_period_seconds = 15.0;
  sc.sample_period = 10.0;
  return sc;
}

}  // namespace userscale::sim::testing
