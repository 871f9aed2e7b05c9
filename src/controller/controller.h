// The control loop of DESIGN.md: per target and per sync period, the source's observation,
// the policy and the behavior (core reconcile), the actuator, and one decision record. It is
// the only place that knows about time, timeouts and retries. Doubt never scales down: a
// source that fails every attempt, an observation older than the staleness limit, or one with
// an impossible value (NaN, negative, absurdly large) holds the count, counts the error and
// logs it; while some ready pods have no fresh sample, scale-downs are withheld
// (docs/fault-matrix.md).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/actuator.h"
#include "controller/clock.h"
#include "controller/controller_metrics.h"
#include "controller/decision_log.h"
#include "controller/metric_source.h"
#include "core/autoscaler_spec.h"
#include "core/behavior.h"
#include "core/policy.h"
#include "core/reconcile.h"

namespace userscale::controller {

struct TargetSetup {
  std::string name;  // "NAMESPACE/NAME" of the scaled target
  AutoscalerSpec spec;
  HpaSettings settings;
  std::unique_ptr<Policy> policy;
  MetricSource* source = nullptr;  // not owned
  Actuator* actuator = nullptr;    // not owned
  std::optional<double> slo_ms;    // shown in the snapshot when known
  // Decide and publish (userscale_desired_replicas, KEDA, on_decision) but never call the
  // actuator's scale(): for clusters where KEDA or an HPA actuates. Its rescales are the
  // kinds advise_up / advise_down.
  bool advisory = false;
};

struct ControllerOptions {
  std::string world = "local";
  int source_attempts = 3;
  std::chrono::milliseconds source_timeout{2000};
  Duration retry_backoff = 0.2;
  // An observation whose newest serving sample is older than this holds the count; 0 means
  // max(3 sync periods, 10 s).
  Duration staleness = 0.0;
  // Called after every decision of a target (in the ticking thread), e.g. to write a
  // Kubernetes status and events. `kind`: scale_up, scale_down, advise_up, advise_down, hold,
  // source_error, stale, actuator_error.
  std::function<void(const std::string& target, const Decision& d, const std::string& kind)>
      on_decision;
};

class Controller {
 public:
  Controller(Clock& clock, DecisionLog& log, ControllerOptions options = {});
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;
  ~Controller();

  void add_target(TargetSetup target);
  // Stops ticking a target (its GPUAutoscaler was deleted or changed); false when unknown.
  // Call from the thread that ticks.
  bool remove_target(const std::string& name);
  std::size_t target_count() const { return targets_.size(); }

  // One tick of every target whose sync period has come; returns how many ticked.
  int tick_due();
  // Ticks until `stop`, sleeping on the clock between ticks.
  void run(const std::atomic<bool>& stop);

  nlohmann::json snapshot_json() const;
  nlohmann::json decisions_json(std::uint64_t after, std::size_t limit = 500) const;
  std::string metrics_text() const { return metrics_.render(); }
  const ControllerMetrics& metrics() const { return metrics_; }

 private:
  struct Target;
  void tick(Target& t);
  void hold(Target& t, Time now, const ActuatorState& st, const std::string& kind,
            const std::string& reason);
  void record(Target& t, const Decision& d, const std::string& kind, bool source_error);
  void update_snapshot(Target& t, Time now, const ActuatorState& st, const Observation* obs);

  Clock& clock_;
  DecisionLog& log_;
  ControllerOptions options_;
  ControllerMetrics metrics_;
  std::vector<std::unique_ptr<Target>> targets_;
  mutable std::mutex snapshot_mu_;
  std::atomic<bool> no_stop_{false};
  const std::atomic<bool>* stop_ = &no_stop_;
};

}  // namespace userscale::controller
