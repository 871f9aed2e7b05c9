// Simulation scenarios (config/scenario.h parse_scenario) as YAML text. Invariants: a valid
// scenario holds only finite numbers where the simulator takes them (a NaN or infinite time
// would stall or corrupt a run instead of failing at the file), a positive duration and sample
// period, at least one node pool within its own bounds, and autoscaler bounds with min <= max.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "config/scenario.h"
#include "fuzz_check.h"

namespace {

using namespace userscale::config;

void finite(std::initializer_list<double> values, const char* what) {
  for (double v : values) FUZZ_CHECK(std::isfinite(v), std::string(what) + " is not finite");
}

void dist(const DistSpec& d, const char* what) {
  finite({d.a, d.b}, what);
  FUZZ_CHECK(d.a >= 0 || d.kind == DistKind::Normal, std::string(what) + " is negative");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_scenario(text, "");
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.error().to_string().empty(), "an error without a message");
    return 0;
  }
  const Scenario& s = *parsed;
  finite({s.duration, s.sample_period, s.start_time, s.slo.latency_ms}, "scenario times");
  FUZZ_CHECK(s.duration > 0 && s.sample_period > 0, "duration or samplePeriod not positive");
  FUZZ_CHECK(s.slo.latency_ms > 0, "slo.latencyMs not positive");

  FUZZ_CHECK(!s.cluster.pools.empty(), "no node pool");
  for (const NodePoolSpec& p : s.cluster.pools) {
    finite({p.gpu_speed, p.gpu_memory_bytes, p.cost_per_hour, p.spot_interruptions_per_hour},
           "node pool numbers");
    FUZZ_CHECK(p.gpu_speed > 0 && p.gpu_memory_bytes > 0 && p.gpus_per_node >= 1,
               "node pool without GPU capacity");
    FUZZ_CHECK(p.min_nodes >= 0 && p.min_nodes <= p.max_nodes, "node pool bounds");
  }
  const NodeAutoscalerSpec& na = s.cluster.node_autoscaler;
  dist(na.provision_delay, "nodeAutoscaler.provisionDelay");
  finite({na.scan_interval, na.empty_node_ttl, na.spot_notice, s.cluster.scheduling_delay},
         "cluster times");
  FUZZ_CHECK(na.scan_interval > 0, "nodeAutoscaler.scanInterval not positive");
  FUZZ_CHECK(s.cluster.sharing.replicas_per_gpu >= 1, "sharing.replicasPerGpu < 1");

  const ServiceSpec& sv = s.service;
  dist(sv.cpu_cost, "service.cpuCost");
  dist(sv.gpu_cost, "service.gpuCost");
  dist(sv.startup.image_pull, "startup.imagePull");
  dist(sv.startup.cuda_init, "startup.cudaInit");
  dist(sv.startup.model_load, "startup.modelLoad");
  finite({sv.gpu_occupancy, sv.memory_base_bytes, sv.memory_per_request_bytes, sv.cpu_request_cores,
          sv.cpu_limit_cores, sv.cpu_idle_cores, sv.cpu_cores_per_gpu_wait, sv.timeout,
          sv.failure_probability, sv.termination_grace, sv.restart_backoff_initial,
          sv.restart_backoff_max, sv.startup.readiness_delay},
         "service numbers");
  FUZZ_CHECK(sv.cpu_request_cores > 0 && sv.cpu_limit_cores > 0, "service.cpu not positive");
  FUZZ_CHECK(sv.initial_replicas >= 0, "service.initialReplicas negative");
  if (sv.llm) {
    finite({sv.llm->prefill_seconds_per_token, sv.llm->decode_seconds_per_step,
            sv.llm->kv_bytes_per_token},
           "service.llm numbers");
    dist(sv.llm->input_tokens, "llm.inputTokens");
    dist(sv.llm->output_tokens, "llm.outputTokens");
    FUZZ_CHECK(sv.llm->max_batch >= 1, "llm.maxBatch < 1");
  }

  const LoadSpec& l = s.load;
  dist(l.think, "load.think");
  finite({l.ramp_up, l.rate, l.from_rate, l.to_rate, l.start, l.length, l.peak_rate, l.period,
          l.amplitude, l.phase, l.time_scale, l.rate_scale, l.trace_offset},
         "load numbers");
  FUZZ_CHECK(l.rate >= 0 && l.from_rate >= 0 && l.to_rate >= 0 && l.peak_rate >= 0,
             "a negative rate");
  FUZZ_CHECK(l.period > 0, "load.period not positive");
  FUZZ_CHECK(l.kind != LoadKind::Trace || !l.trace_path.empty(), "trace load without a path");

  const MetricsPipelineSpec& m = s.metrics;
  finite({m.metrics_server_resolution, m.metrics_server_window, m.scrape_interval, m.rate_window,
          m.dcgm_interval},
         "metrics pipeline times");
  FUZZ_CHECK(m.metrics_server_resolution > 0 && m.scrape_interval > 0 && m.dcgm_interval > 0,
             "a metrics interval not positive");

  const auto min = s.autoscaler.effective_min_replicas();
  FUZZ_CHECK(min >= 0 && min <= s.autoscaler.max_replicas, "autoscaler bounds");
  finite({s.hpa.tolerance, s.hpa.cpu_initialization_period, s.hpa.initial_readiness_delay,
          s.hpa.downscale_stabilization_window},
         "hpa settings");
  return 0;
}
