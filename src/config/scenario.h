// A simulation scenario: cluster, service, load, metrics pipeline, duration, SLO and the
// GPUAutoscaler spec, validated. Plain data with defaults, so that tests can also build one in
// code. Parsing (YAML, every error with its field path) is parse_scenario below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/autoscaler_spec.h"
#include "core/result.h"

namespace userscale::config {

// A random quantity. Parameters by kind: constant {value}, uniform {min, max},
// exponential {mean}, lognormal {mean, cv}, normal {mean, stddev} (truncated at 0),
// gamma {mean, cv}.
enum class DistKind { Constant, Uniform, Exponential, LogNormal, Normal, Gamma };
struct DistSpec {
  DistKind kind = DistKind::Constant;
  double a = 0.0;  // value, min or mean
  double b = 0.0;  // max, cv or stddev

  static DistSpec constant(double v) { return {DistKind::Constant, v, 0.0}; }
  static DistSpec exponential(double mean) { return {DistKind::Exponential, mean, 0.0}; }
  static DistSpec uniform(double lo, double hi) { return {DistKind::Uniform, lo, hi}; }
  static DistSpec lognormal(double mean, double cv) { return {DistKind::LogNormal, mean, cv}; }
  double mean() const { return kind == DistKind::Uniform ? 0.5 * (a + b) : a; }
};

enum class SharingMode { Exclusive, TimeSlice, Mps, Mig };
enum class Placement { Packed, Spread, Random };
enum class NodeAutoscalerKind { None, Karpenter, ClusterAutoscaler };
enum class LoadBalancing { RoundRobin, Random, LeastOutstanding };

struct SharingSpec {
  SharingMode mode = SharingMode::Exclusive;
  int replicas_per_gpu = 1;      // time slices or MPS clients advertised per GPU
  double switch_overhead = 0.0;  // fraction of a time-sliced GPU lost when >1 replica is busy
  Placement placement = Placement::Packed;
  // MIG: one profile "<compute>g.<memory>gb" (A100: 7 compute slices), `mig_count` partitions.
  std::string mig_profile = "1g.5gb";
  int mig_count = 0;  // 0: as many as fit (7 / compute)
};

struct NodePoolSpec {
  std::string name = "gpu";
  std::string gpu_model = "generic";
  double gpu_speed = 1.0;  // relative to the profile's reference GPU
  double gpu_memory_bytes = 16e9;
  int gpus_per_node = 1;
  int initial_nodes = 1;
  int min_nodes = 0;  // node autoscaling bounds (used only when it is enabled)
  int max_nodes = 1;
  double cost_per_hour = 0.0;
  bool spot = false;
  double spot_interruptions_per_hour = 0.0;
};

struct NodeAutoscalerSpec {
  NodeAutoscalerKind kind = NodeAutoscalerKind::None;
  DistSpec provision_delay = DistSpec::constant(60.0);  // node created -> Ready
  double scan_interval = 10.0;                          // how often pending pods are looked at
  double empty_node_ttl = 30.0;                         // an empty node is removed after this long
  double spot_notice = 120.0;                           // warning before a spot node goes away
  // Consolidation (Karpenter's; the Cluster Autoscaler's scale-down of unneeded nodes): a node
  // whose pods all fit on the other nodes' free slots for `consolidate_after` is drained and
  // removed.
  bool consolidation = true;
  double consolidate_after = 30.0;
};

struct ClusterSpec {
  std::vector<NodePoolSpec> pools;
  SharingSpec sharing;
  NodeAutoscalerSpec node_autoscaler;
  double scheduling_delay = 1.0;  // pending -> bound, when a slot is free
};

struct StartupSpec {
  DistSpec image_pull = DistSpec::constant(0.0);  // first pod on a node only
  DistSpec cuda_init = DistSpec::constant(2.0);
  DistSpec model_load = DistSpec::constant(3.0);
  double readiness_delay = 1.0;  // model loaded -> Ready (probe period)
};

// LLM serving: prefill per input token, decode per output token, decode steps batched up to the
// KV-cache memory left on the replica's GPU share.
struct LlmSpec {
  double prefill_seconds_per_token = 0.0;
  double decode_seconds_per_step = 0.0;  // one decode step of the whole batch
  int max_batch = 1;
  double kv_bytes_per_token = 0.0;
  DistSpec input_tokens = DistSpec::constant(512);
  DistSpec output_tokens = DistSpec::constant(128);
};

struct ServiceSpec {
  std::string name = "app";
  std::string workload = "sort";  // sort, convolution, matmul, inference, stream, busy, llm
  DistSpec cpu_cost = DistSpec::constant(0.01);  // CPU-seconds per request at one core
  DistSpec gpu_cost = DistSpec::constant(0.1);   // GPU-seconds per request, alone on a speed-1 GPU
  double gpu_occupancy = 1.0;                    // fraction of a GPU one request can use on its own
  // Requests of one replica whose GPU work runs at once; the others wait in order (CuPy and
  // PyTorch on the default stream serialize a process's kernels). 0: no limit.
  int gpu_streams = 0;
  double memory_base_bytes = 1e9;
  double memory_per_request_bytes = 0.0;
  double cpu_request_cores = 0.5;
  double cpu_limit_cores = 1.0;
  double cpu_idle_cores = 0.005;
  double cpu_cores_per_gpu_wait = 0.0;  // a host thread spinning on each GPU-phase request
  int concurrency = 0;                  // 0: unlimited
  int queue_capacity = -1;              // -1: unlimited
  double timeout = 0.0;                 // client timeout in seconds; 0: none
  double failure_probability = 0.0;
  LoadBalancing load_balancing = LoadBalancing::RoundRobin;
  StartupSpec startup;
  double termination_grace = 30.0;
  double restart_backoff_initial = 10.0;
  double restart_backoff_max = 300.0;
  int initial_replicas = 1;
  std::optional<LlmSpec> llm;
};

enum class LoadKind { Closed, Constant, Poisson, Ramp, Burst, Spike, Diurnal, Trace };
enum class ArrivalProcess { Poisson, Uniform };

struct LoadSpec {
  LoadKind kind = LoadKind::Closed;
  // closed
  int users = 10;
  DistSpec think = DistSpec::constant(0.0);
  double ramp_up = 0.0;  // users start uniformly over this many seconds
  // open loop rate curves (req/s)
  ArrivalProcess process = ArrivalProcess::Poisson;
  double rate = 1.0;        // constant, poisson; base of burst/spike; mean of diurnal
  double from_rate = 1.0;   // ramp
  double to_rate = 10.0;    // ramp
  double start = 0.0;       // ramp, burst, spike: when the change begins
  double length = 60.0;     // ramp: time to reach to_rate; burst: duration; spike: rise + fall
  double peak_rate = 10.0;  // burst, spike
  double period = 86400.0;  // diurnal; burst repeats every period when repeat is true
  bool repeat = false;
  double amplitude = 0.5;  // diurnal: fraction of the mean
  double phase = 0.0;      // diurnal: seconds
  // trace
  std::string trace_path;
  double time_scale = 1.0;    // trace times are multiplied by this
  double rate_scale = 1.0;    // each arrival is replicated this many times on average
  double trace_offset = 0.0;  // skip this many seconds of the trace
};

struct MetricsPipelineSpec {
  double metrics_server_resolution = 15.0;  // kubelet/metrics-server sample period
  double metrics_server_window = 15.0;      // CPU usage averaged over this window
  double scrape_interval = 15.0;            // Prometheus
  double rate_window = 60.0;                // rate()/histogram_quantile() window
  double dcgm_interval = 10.0;              // DCGM exporter sampling
};

struct SloSpec {
  double latency_ms = 1000.0;
};

struct Scenario {
  std::string name = "scenario";
  std::string description;
  double duration = 600.0;
  std::uint64_t seed = 1;
  double sample_period = 5.0;
  double start_time = 1735689600.0;  // 2025-01-01T00:00:00Z: the observation's clock origin
  ClusterSpec cluster;
  ServiceSpec service;
  LoadSpec load;
  MetricsPipelineSpec metrics;
  SloSpec slo;
  AutoscalerSpec autoscaler;
  HpaSettings hpa;
};

// A MIG profile "<compute>g.<memory>gb" (e.g. "3g.20gb"): compute in sevenths of the GPU.
struct MigProfile {
  int compute_slices = 1;
  double memory_gb = 5.0;
};
std::optional<MigProfile> parse_mig_profile(const std::string& text);

// Workload defaults for a profile name; nullopt when unknown.
std::optional<ServiceSpec> workload_profile(const std::string& name);

// Parses and validates a scenario document. `base_dir` resolves a relative trace path.
// On failure the error's message lists every problem, one per line, each `path: reason`.
Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& base_dir = "");
Result<Scenario> load_scenario(const std::string& path);

}  // namespace userscale::config
