// The GPUAutoscaler resource (config/gpu_autoscaler.h) as YAML text, then the policy it selects
// (core/policies/registry.h) through a few ticks of reconcile() on a loaded and an idle
// service. Invariants: a valid resource has 0 <= minReplicas <= maxReplicas and maxReplicas >=
// 1, a positive sync period, and every decision that rescales lands within [min, max].
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/gpu_autoscaler.h"
#include "core/behavior.h"
#include "core/observation.h"
#include "core/policies/registry.h"
#include "core/reconcile.h"
#include "fuzz_check.h"

namespace {

using namespace userscale;

// `replicas` ready pods, each reporting every signal a policy may read, at `load` (1: busy,
// 0: idle).
Observation make_observation(Time now, std::int32_t replicas, double load) {
  Observation o;
  o.now = now;
  o.scale.spec_replicas = replicas;
  o.scale.status_replicas = replicas;
  o.scale.selector = "app=fuzz";
  GpuInfo gpu;
  gpu.uuid = "GPU-fuzz";
  gpu.utilization = 95.0 * load;
  gpu.memory_used_bytes = 8e9 * load + 1e9;
  gpu.memory_total_bytes = 16e9;
  gpu.sample_time = now;
  std::vector<PodResourceMetrics> usage;
  for (std::int32_t i = 0; i < replicas && i < 16; ++i) {
    PodInfo p;
    p.name = "app-" + std::to_string(i);
    p.labels = {{"app", "fuzz"}};
    p.phase = PodPhase::Running;
    p.start_time = now - 3600;
    p.ready = PodReadyCondition{ConditionStatus::True, now - 3500};
    p.containers.push_back({"app", {{"cpu", 500}}});
    p.gpu_uuid = gpu.uuid;
    ServingSignals& s = p.serving;
    s.in_flight = 6 * load;
    s.queued = 4 * load;
    s.arrival_rate = 20 * load;
    s.completion_rate = 15 * load;
    s.latency_mean_ms = 40 + 400 * load;
    s.latency_p95_ms = 80 + 900 * load;
    s.cpu_utilization = 180 * load;
    s.gpu_utilization = 95 * load;
    s.gpu_memory_used_bytes = 8e9 * load + 1e9;
    s.concurrent_users = 30 * load;
    s.sample_time = now;
    s.window = 30;
    gpu.pods.push_back(p.name);
    o.pods.push_back(p);
    usage.push_back({p.name, now - 10, 60, {{"app", {{"cpu", 1 + 900 * load}}}}});
  }
  o.pod_metrics = usage;
  o.gpus.push_back(gpu);
  o.service.arrival_rate = 20 * load * replicas;
  o.service.latency_p95_ms = 80 + 900 * load;
  o.service.sample_time = now;
  o.service.window = 30;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_gpu_autoscaler_yaml(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.errors().empty(), "invalid without an error");
    return 0;
  }
  const AutoscalerSpec& spec = parsed->spec;
  const std::int32_t min = spec.effective_min_replicas();
  const std::int32_t max = spec.max_replicas;
  FUZZ_CHECK(min >= 0 && max >= 1 && min <= max,
             "bounds [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  FUZZ_CHECK(std::isfinite(spec.sync_period_seconds) && spec.sync_period_seconds > 0,
             "syncPeriodSeconds " + std::to_string(spec.sync_period_seconds));

  const HpaSettings settings;
  auto policy = make_policy(spec, settings);
  if (!policy.ok()) return 0;
  BehaviorState state;
  std::int32_t replicas = std::clamp<std::int32_t>(3, min, max);
  const double loads[] = {1.0, 1.0, 0.0, 0.0, 0.5};
  Time now = 1'000'000;
  for (double load : loads) {
    const Observation obs = make_observation(now, replicas, load);
    const Decision d = reconcile(**policy, spec, settings, state, obs);
    FUZZ_CHECK(
        d.desired_replicas == replicas || (d.desired_replicas >= min && d.desired_replicas <= max),
        "desired " + std::to_string(d.desired_replicas) + " from " + std::to_string(replicas) +
            " outside [" + std::to_string(min) + ", " + std::to_string(max) + "] (" + d.reason +
            ")");
    replicas = d.desired_replicas;
    now += spec.sync_period_seconds > 0 && spec.sync_period_seconds < 3600
               ? spec.sync_period_seconds
               : 15.0;
  }
  return 0;
}
