// /gpu_job on the GPU: one block spins on clock64 until work_ms of the SM clock has passed,
// so that the GPU (and NVML's utilization) is busy for that long.
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {
namespace {

__global__ void busy_kernel(long long cycles, float* sink) {
  const long long start = clock64();
  float x = 1.0f + threadIdx.x;
  while (clock64() - start < cycles) x = fmaf(x, 1.0000001f, 1e-9f);
  if (x == 0.0f) *sink = x;  // never true; keeps the arithmetic alive
}

}  // namespace

Status busy_cuda(double work_ms) {
  int device = 0;
  USERSCALE_CUDA_TRY("device", cudaGetDevice(&device));
  int clock_khz = 0;
  USERSCALE_CUDA_TRY("clock rate",
                     cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, device));
  const auto cycles = static_cast<long long>(work_ms * static_cast<double>(clock_khz));
  DeviceBuffer<float> sink;
  USERSCALE_CUDA_TRY("allocate", sink.allocate(1));
  busy_kernel<<<1, 32, 0, kStream>>>(cycles, sink.get());
  USERSCALE_CUDA_TRY("launch", cudaGetLastError());
  USERSCALE_CUDA_TRY("wait", cudaStreamSynchronize(kStream));
  return ok_status();
}

}  // namespace userscale::server::kernels
