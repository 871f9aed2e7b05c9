// The workloads behind the endpoints: each runs its CUDA kernel when the server's device is
// cuda, else (or when the kernel fails) its CPU twin, and answers a small JSON document that
// says which device ran it and how long it took.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/kernels/classifier_cpu.h"

namespace userscale::server {

enum class Device { Cpu, Cuda };

struct DeviceChoice {
  Device device = Device::Cpu;
  std::string reason;  // why this device, for the log
};

// `requested` is auto, cpu or cuda. auto falls back to cpu when no CUDA device is usable;
// an explicit cuda without a device is an error.
Result<DeviceChoice> choose_device(std::string_view requested);
std::string_view device_name(Device d);
bool cuda_built();

// Limits of the parameters, shared by validation and the docs.
inline constexpr std::int64_t kMaxSortSize = 20'000'000;
inline constexpr std::int64_t kMaxConvolveSize = 4096;
inline constexpr std::int64_t kMaxMatrixSize = 2048;
inline constexpr std::int64_t kMaxWorkMs = 60'000;
inline constexpr std::int64_t kMaxStreamMs = 600'000;

class Workloads {
 public:
  Workloads(Device device, kernels::ClassifierWeights weights);

  std::string sort(std::int64_t size) const;
  std::string convolve(std::int64_t size) const;
  std::string matrix(std::int64_t size) const;
  std::string gpu_job(std::int64_t work_ms) const;
  // Errors are the client's (a body that is not an image): 400.
  Result<std::string> infer(std::string_view body) const;
  // Runs every workload once at a small size, so that first requests do not pay for it.
  void warm_up() const;

  Device device() const { return device_; }

 private:
  Device device_;
  kernels::ClassifierWeights weights_;
};

}  // namespace userscale::server
