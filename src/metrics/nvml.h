// GPU utilization and memory from NVML, loaded with dlopen("libnvidia-ml.so.1") at run time so
// that the binary runs (and reports the GPU as unavailable) where there is no NVIDIA driver.
// USERSCALE_NVML_LIBRARY names another library (a path) to load instead: a driver installed
// elsewhere, or the fault tests' fake NVML.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::metrics {

struct GpuSample {
  unsigned index = 0;
  std::string uuid;  // "GPU-..." as nvidia-smi prints it
  std::string name;
  double utilization_ratio = 0.0;  // 0..1 over NVML's last sample period
  double memory_utilization_ratio = 0.0;
  std::uint64_t memory_used_bytes = 0;
  std::uint64_t memory_total_bytes = 0;
};

class Nvml {
 public:
  // The library loaded and initialized, or why not ("libnvidia-ml.so.1: cannot open ...").
  static Result<std::unique_ptr<Nvml>> load();
  // USERSCALE_NVML_LIBRARY when set, else "libnvidia-ml.so.1".
  static std::string library_path();
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  // Every GPU, or an error when NVML or any device fails to answer (never partial zeros).
  Result<std::vector<GpuSample>> sample();

  struct Api;

 private:
  explicit Nvml(std::unique_ptr<Api> api);
  std::unique_ptr<Api> api_;
};

}  // namespace userscale::metrics
