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
};

struct ControllerOptions {
  std::string world = "local";
  int source_attempts = 3;
  std::chrono::milliseconds source_timeout{2000};
  Duration retry_backoff = 0.2;
  // An observation whose newest serving sample is older than this holds the count; 0 means
  // max(3 sync periods, 10 s).
  Duration staleness = 0.0;
};

class Controller {
 public:
  Controller(Clock& clock, DecisionLog& log, ControllerOptions options = {});
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;
  ~Controller();

  void add_target(TargetSetup target);

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
