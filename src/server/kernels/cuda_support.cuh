// Shared by the CUDA kernels: CUDA errors as the project's Error values, and device memory
// that frees itself, so that every early return on an error leaks nothing.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
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

// Request buffers come from the stream-ordered allocator (cudaMallocAsync): cudaMalloc and
// cudaFree synchronize the whole device, which made concurrent requests wait for each other's
// kernels. The pool keeps what it has (no release threshold), so that steady traffic stops
// asking the driver for memory after its first requests.
inline void keep_pool_memory_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    int device = 0;
    cudaMemPool_t pool = nullptr;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetDefaultMemPool(&pool, device) != cudaSuccess) {
      cudaGetLastError();
      return;
    }
    std::uint64_t keep = UINT64_MAX;
    if (cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep) != cudaSuccess) {
      cudaGetLastError();
    }
  });
}

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_) cudaFreeAsync(ptr_, kStream);
  }

  cudaError_t allocate(std::size_t count) {
    keep_pool_memory_once();
    count_ = count;
    return cudaMallocAsync(reinterpret_cast<void**>(&ptr_), (count ? count : 1) * sizeof(T),
                           kStream);
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
