// The signals the seed policies read from an Observation, with how far each can be trusted.
//
// Which pods count: only *serving* pods (phase Running, Ready condition True, not being
// deleted). Pending, starting and terminating pods take no traffic, so their numbers would
// drag per-pod averages down and invite a scale-down.
//
// Each reading says how many serving pods reported a fresh, well-formed value. A value is
// missing when absent, NaN, infinite or negative; it is stale when its sample_time is older
// than `now - staleness`. A value without a sample_time is taken as fresh (the source did not
// timestamp it; every world in this project does). A reading with some pods missing or stale
// still has a value (the mean of the rest, good enough evidence to add capacity), but is not
// complete: a policy must not scale down on it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"

namespace userscale {

// Running, Ready and not being deleted.
bool is_serving(const PodInfo& pod);
std::vector<const PodInfo*> serving_pods(const Observation& obs);

// False when `sample_time` is older than `now - staleness`.
bool is_fresh(const std::optional<Time>& sample_time, Time now, Duration staleness);

struct SignalReading {
  std::optional<double> value;  // absent when no serving pod gave a fresh value
  int serving = 0;              // serving pods looked at
  int reporting = 0;            // with a fresh, well-formed value
  int missing = 0;              // absent or malformed
  int stale = 0;                // older than the staleness bound
  bool idle = false;            // latency only: every reporting pod served no request

  // Known, and every serving pod reported: the only kind a scale-down may rest on.
  bool complete() const { return value.has_value() && missing == 0 && stale == 0; }
  // Why the reading is not complete ("2 of 3 pods stale", "no serving pods"); "" if complete.
  std::string doubt() const;
};

using ServingGetter = std::function<std::optional<double>(const ServingSignals&)>;

// Mean over serving pods of one per-pod value.
SignalReading read_pod_mean(const Observation& obs, Duration staleness, const ServingGetter& get);

// Request pressure: requests in flight plus queued, per serving pod. `in_flight` is required;
// `queued` counts when reported (a server without a queue does not report one).
SignalReading read_concurrent_requests(const Observation& obs, Duration staleness);

// GPU utilization (percent) over the physical GPUs that host serving pods, each GPU counted
// once however many replicas share it (time-slicing reports the whole card's utilization to
// every replica on it). A pod's GPU is the `gpus[]` entry whose uuid is the pod's gpu_uuid or
// that lists the pod; a pod with no such entry falls back to its own serving.gpu_utilization.
SignalReading read_gpu_utilization(const Observation& obs, Duration staleness);

// Mean request latency (ms) over serving pods, weighted by completion rate when every
// contributing pod reports a positive one (a request-weighted mean, like the seeds'
// sum/count), else unweighted. A pod that reports no latency but zero completions, zero in
// flight and nothing queued is idle: known, contributing nothing. When every reporting pod is
// idle the reading is 0 with `idle` set. A pod with requests in flight and no latency yet is
// missing: its requests may be very slow.
SignalReading read_latency_ms(const Observation& obs, Duration staleness);

// Number formatting for reasons: fixed decimals with trailing zeros removed ("75.2", "25").
std::string format_fixed(double v, int decimals);
// "75.2%"-style text for an optional value, "n/a" when absent.
std::string format_optional(const std::optional<double>& v, int decimals, const char* unit);

// Replica proposals stay within [1, kMaxProposedReplicas] before min/max apply.
inline constexpr std::int32_t kMaxProposedReplicas = 1'000'000;
// Clamps a replica count computed in floating point (NaN gives 1).
std::int32_t clamp_proposal(double replicas);
// ceil() that ignores floating-point dust: 30.000000000004 is 30, not 31.
double ceil_tolerant(double v);

}  // namespace userscale
