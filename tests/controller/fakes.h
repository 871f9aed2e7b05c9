// A fake source and actuator for the controller's unit tests: the actuator's replicas appear
// and go at once; the source reports the same requests in flight on every pod (or fails, or
// reports old samples), as a test sets it.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/gpu_autoscaler.h"
#include "controller/actuator.h"
#include "controller/controller.h"
#include "controller/metric_source.h"
#include "controller/observation_fill.h"
#include "core/policies/registry.h"

namespace userscale::controller::testing {

// The controller tests' target: requests in flight at 2 per pod, 1 to 4 replicas, 5 s ticks, no
// scale-down window (a tick's decision is what it does).
inline constexpr const char* kInflightConfig = R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata: {name: t, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gpu-service}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "2"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 0}
  syncPeriodSeconds: 5
)";

// The target "default/gpu-service" of the GPUAutoscaler `yaml`, read by `source` and scaled by
// `actuator`.
inline TargetSetup target_from(const char* yaml, MetricSource& source, Actuator& actuator) {
  auto parsed = parse_gpu_autoscaler_yaml(yaml);
  EXPECT_TRUE(parsed.ok());
  TargetSetup t;
  t.name = "default/gpu-service";
  t.spec = parsed->spec;
  auto policy = make_policy(t.spec, t.settings);
  EXPECT_TRUE(policy.ok());
  t.policy = std::move(policy).value();
  t.source = &source;
  t.actuator = &actuator;
  return t;
}

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
      r.address = address.empty() ? "127.0.0.1:" + std::to_string(9000 + i) : address;
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
  std::string address;  // where every replica's /metrics is, when a test sets it
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

// Every serving signal a policy reads, on every pod, with its GPU and the service view: idle
// and fresh when healthy (a policy scales in on it), or broken in one way, as a fault matrix
// row sets it.
class SignalFaultSource : public MetricSource {
 public:
  enum class Fault { None, Missing, Stale, NaN, Negative, AbsurdlyLarge, TooFewPods };
  std::string name() const override { return "fault"; }
  Result<Observation> observe(const ObserveRequest& req) override {
    Observation obs;
    const Time sample = fault == Fault::Stale ? req.now - 600 : req.now - 1;
    std::map<std::string, double> cpu;
    for (std::size_t i = 0; i < req.replicas.size(); ++i) {
      PodInfo p = pod_info(req.replicas[i], 1.0);
      p.gpu_uuid = "GPU-" + std::to_string(i);
      const bool silent = fault == Fault::Missing || (fault == Fault::TooFewPods && i > 0);
      if (!silent) {
        ServingSignals& s = p.serving;
        const double v = broken();
        s.in_flight = s.queued = s.arrival_rate = s.completion_rate = s.concurrent_users = v;
        s.latency_mean_ms = s.latency_p95_ms = std::isnan(v) || v != 0 ? v : 5.0;
        s.gpu_utilization = std::isnan(v) || v != 0 ? v : 1.0;
        s.gpu_memory_used_bytes = std::isnan(v) || v != 0 ? v : 1e9;
        s.sample_time = sample;
        s.window = 10;
        cpu[p.name] = std::isnan(v) || v != 0 ? v : 0.01;
        GpuInfo g;
        g.uuid = *p.gpu_uuid;
        g.model = "fake";
        g.utilization = *s.gpu_utilization;
        g.memory_used_bytes = *s.gpu_memory_used_bytes;
        g.memory_total_bytes = 80e9;
        g.pods = {p.name};
        g.sample_time = sample;
        obs.gpus.push_back(std::move(g));
      }
      obs.pods.push_back(std::move(p));
    }
    if (fault != Fault::Missing) {
      const double v = broken();
      obs.service.arrival_rate = v;
      obs.service.latency_p50_ms = obs.service.latency_p95_ms = obs.service.latency_p99_ms =
          std::isnan(v) || v != 0 ? v : 5.0;
      obs.service.sample_time = sample;
      obs.service.window = 10;
    }
    publish_pod_metrics(obs, cpu, req.now);
    return obs;
  }
  // The value every signal takes: 0 (idle) when healthy.
  double broken() const {
    switch (fault) {
      case Fault::NaN:
        return std::numeric_limits<double>::quiet_NaN();
      case Fault::Negative:
        return -5.0;
      case Fault::AbsurdlyLarge:
        return 1e300;
      default:
        return 0.0;
    }
  }
  Fault fault = Fault::None;
};

}  // namespace userscale::controller::testing
