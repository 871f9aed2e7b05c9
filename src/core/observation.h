// What an autoscaler can see at one instant: the one observation type of every world
// (simulator, local processes, Kubernetes). It holds only what a real cluster exposes; time
// arrives inside it, so that policies never read a clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/timefmt.h"

namespace userscale {

enum class PodPhase { Pending, Running, Succeeded, Failed, Unknown };
enum class ConditionStatus { True, False, Unknown };

struct PodReadyCondition {
  ConditionStatus status = ConditionStatus::Unknown;
  std::optional<Time> last_transition_time;
};

struct ContainerInfo {
  std::string name;
  std::map<std::string, std::int64_t> requests_milli;  // e.g. {"cpu": 500}
};

// Serving signals a workload exposes on its /metrics (or the simulator models); every field is
// absent when the source did not report it. Rates are per second over `window` seconds.
struct ServingSignals {
  std::optional<double> in_flight;        // requests being served now
  std::optional<double> queued;           // requests waiting for a slot
  std::optional<double> arrival_rate;     // requests/s arriving
  std::optional<double> completion_rate;  // requests/s completed (throughput)
  std::optional<double> latency_mean_ms;  // over the window
  std::optional<double> latency_p95_ms;
  std::optional<double> cpu_utilization;  // percent of the CPU request
  std::optional<double> gpu_utilization;  // percent, as the pod's GPU reports it
  std::optional<double> gpu_memory_used_bytes;
  std::optional<double> concurrent_users;  // closed-loop clients attributed to the pod
  std::optional<Time> sample_time;         // when these were measured
  double window = 0.0;
};

struct PodInfo {
  std::string name;
  Labels labels;
  bool deleting = false;  // metadata.deletionTimestamp set
  PodPhase phase = PodPhase::Running;
  std::optional<Time> start_time;
  std::optional<PodReadyCondition> ready;
  // Regular containers followed by restartable (sidecar) init containers.
  std::vector<ContainerInfo> containers;
  std::map<std::string, std::int64_t> pod_requests_milli;  // pod-level spec.resources.requests
  std::optional<std::string> gpu_uuid;  // the physical GPU this pod runs on, when known
  ServingSignals serving;

  bool is_ready() const { return ready && ready->status == ConditionStatus::True; }
};

struct ContainerUsage {
  std::string name;
  std::map<std::string, std::int64_t> usage_milli;
};

// One item of metrics.k8s.io PodMetricsList.
struct PodResourceMetrics {
  std::string pod;
  Time timestamp = 0;
  Duration window = 0;
  std::vector<ContainerUsage> containers;
};

// One item of custom.metrics.k8s.io MetricValueList.
struct CustomMetricValue {
  std::string object_kind;
  std::string object_name;
  std::string metric_name;
  std::int64_t value_milli = 0;
  Time timestamp = 0;
  std::optional<Duration> window;
};

// One item of external.metrics.k8s.io ExternalMetricValueList.
struct ExternalMetricValue {
  std::string metric_name;
  Labels labels;
  std::int64_t value_milli = 0;
  Time timestamp = 0;
};

// A physical GPU and who shares it (DCGM exporter labels, NVML, or the simulator).
struct GpuInfo {
  std::string uuid;
  std::string model;
  std::optional<double> utilization;  // percent: DCGM_FI_DEV_GPU_UTIL
  std::optional<double> memory_used_bytes;
  std::optional<double> memory_total_bytes;
  std::vector<std::string> pods;
  std::optional<Time> sample_time;
};

// The scale subresource of the target.
struct ScaleInfo {
  std::int32_t spec_replicas = 0;
  std::int32_t status_replicas = 0;
  std::string selector;
};

// Service-wide signals, as a load balancer in front of the replicas sees them.
struct ServiceSignals {
  std::optional<double> arrival_rate;
  std::optional<double> latency_p50_ms;
  std::optional<double> latency_p95_ms;
  std::optional<double> latency_p99_ms;
  std::optional<double> queued;
  std::optional<Time> sample_time;
  double window = 0.0;
};

struct Observation {
  Time now = 0;
  ScaleInfo scale;
  std::vector<PodInfo> pods;  // the pods the scale's selector matches
  // Absent when the resource metrics API returned nothing.
  std::optional<std::vector<PodResourceMetrics>> pod_metrics;
  std::vector<CustomMetricValue> custom_metrics;
  std::vector<ExternalMetricValue> external_metrics;
  std::vector<GpuInfo> gpus;
  ServiceSignals service;
};

}  // namespace userscale
