// Defaults per workload profile. The `sort` profile is calibrated to the GTX 1650 seed
// experiment (000_7c24dad871e0a8c1: 20 closed-loop workers saturate one time-sliced GPU at
// about 0.27 req/s, so one request holds it for about 3.6 s, one at a time per process); the others
// are rough figures for the same class of card, to be recalibrated against `userscale serve`
// measurements.
#include <cstdio>

#include "config/scenario.h"

namespace userscale::config {

std::optional<MigProfile> parse_mig_profile(const std::string& text) {
  int compute = 0;
  double memory = 0.0;
  char tail[8] = {};
  if (std::sscanf(text.c_str(), "%dg.%lfg%7s", &compute, &memory, tail) != 3) return std::nullopt;
  if (std::string(tail) != "b" || compute < 1 || compute > 7 || memory <= 0.0) return std::nullopt;
  return MigProfile{compute, memory};
}

std::optional<ServiceSpec> workload_profile(const std::string& name) {
  ServiceSpec s;
  s.workload = name;
  constexpr double MiB = 1024.0 * 1024.0;
  if (name == "sort") {
    // Array sort with matrix operations on 1M-4M elements (CuPy).
    s.cpu_cost = DistSpec::lognormal(0.15, 0.3);
    s.gpu_cost = DistSpec::uniform(2.2, 4.8);
    s.gpu_streams = 1;
    s.memory_base_bytes = 450 * MiB;
    s.memory_per_request_bytes = 48 * MiB;
    s.cpu_cores_per_gpu_wait = 0.01;
  } else if (name == "convolution") {
    // Image convolution on 512-4096 pixel images.
    s.cpu_cost = DistSpec::lognormal(0.1, 0.3);
    s.gpu_cost = DistSpec::uniform(0.8, 3.2);
    s.gpu_streams = 1;
    s.memory_base_bytes = 500 * MiB;
    s.memory_per_request_bytes = 96 * MiB;
    s.cpu_cores_per_gpu_wait = 0.01;
  } else if (name == "matmul") {
    // 2000 x 2000 float32 matrix products.
    s.cpu_cost = DistSpec::lognormal(0.02, 0.3);
    s.gpu_cost = DistSpec::lognormal(0.25, 0.3);
    s.gpu_streams = 1;
    s.memory_base_bytes = 400 * MiB;
    s.memory_per_request_bytes = 48 * MiB;
  } else if (name == "inference") {
    // ResNet-50 image classification, one image per request.
    s.cpu_cost = DistSpec::lognormal(0.02, 0.3);
    s.gpu_cost = DistSpec::lognormal(0.015, 0.2);
    s.gpu_occupancy = 0.3;
    s.memory_base_bytes = 1200 * MiB;
    s.memory_per_request_bytes = 50 * MiB;
    s.concurrency = 8;
  } else if (name == "stream") {
    // Small GPU jobs feeding a streamed response.
    s.cpu_cost = DistSpec::lognormal(0.005, 0.5);
    s.gpu_cost = DistSpec::lognormal(0.2, 0.5);
    s.gpu_occupancy = 0.1;
    s.memory_base_bytes = 300 * MiB;
    s.memory_per_request_bytes = 8 * MiB;
  } else if (name == "busy") {
    // serve's /gpu_job: a kernel that holds the GPU for a fixed time and does nothing else, so
    // that the GPU alone bounds throughput (20 ms unless the scenario's gpuCost says otherwise).
    s.cpu_cost = DistSpec::constant(0.0005);
    s.gpu_cost = DistSpec::constant(0.02);
    s.gpu_streams = 1;
    s.memory_base_bytes = 300 * MiB;
    s.memory_per_request_bytes = 0.0;
  } else if (name == "llm") {
    // A 7B-parameter model in fp16 on an 80 GB card, vLLM-like continuous batching.
    LlmSpec llm;
    llm.prefill_seconds_per_token = 0.0002;
    llm.decode_seconds_per_step = 0.025;
    llm.max_batch = 64;
    llm.kv_bytes_per_token = 0.5 * MiB;
    llm.input_tokens = DistSpec::lognormal(2048, 1.0);
    llm.output_tokens = DistSpec::lognormal(256, 1.0);
    s.llm = llm;
    s.cpu_cost = DistSpec::constant(0.002);
    s.gpu_cost = DistSpec::constant(0.0);
    s.memory_base_bytes = 14e9;
    s.memory_per_request_bytes = 0.0;
    s.startup.image_pull = DistSpec::constant(120.0);
    s.startup.model_load = DistSpec::constant(60.0);
  } else {
    return std::nullopt;
  }
  return s;
}

}  // namespace userscale::config
