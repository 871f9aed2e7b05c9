// Shared by the CUDA kernels: CUDA errors as the project's Error values, and device memory
// that frees itself, so that every early return on an error leaks nothing.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::server::kernels {

inline Error cuda_error(const char* what, cudaError_t e) {
  return Error{"cuda", std::string(what) + ": " + cudaGetErrorString(e)};
}

// Returns the error from the enclosing function when a CUDA call fails.
#define USERSCALE_CUDA_TRY(what, call)                                         \
  do {                                                                         \
    const cudaError_t userscale_cuda_e = (call);                               \
    if (userscale_cuda_e != cudaSuccess) {                                     \
      return ::userscale::server::kernels::cuda_error(what, userscale_cuda_e); \
    }                                                                          \
  } while (0)

// Every request runs on its thread's own default stream (nvcc --default-stream per-thread),
// so that concurrent requests overlap on the GPU instead of queueing on the legacy stream.
inline const cudaStream_t kStream = cudaStreamPerThread;

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }

  cudaError_t allocate(std::size_t count) {
    count_ = count;
    return cudaMalloc(reinterpret_cast<void**>(&ptr_), (count ? count : 1) * sizeof(T));
  }
  cudaError_t upload(const std::vector<T>& host) {
    const cudaError_t e = allocate(host.size());
    if (e != cudaSuccess || host.empty()) return e;
    return cudaMemcpyAsync(ptr_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice,
                           kStream);
  }
  // Copies the whole buffer into `host` and waits for it.
  cudaError_t download(std::vector<T>& host) const {
    host.resize(count_);
    if (count_ > 0) {
      const cudaError_t e =
          cudaMemcpyAsync(host.data(), ptr_, count_ * sizeof(T), cudaMemcpyDeviceToHost, kStream);
      if (e != cudaSuccess) return e;
    }
    return cudaStreamSynchronize(kStream);
  }

  T* get() const { return ptr_; }
  std::size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace userscale::server::kernels
