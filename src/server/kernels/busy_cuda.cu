// /gpu_job on the GPU: a grid that fills every SM (as many resident threads as each SM holds)
// runs a fixed chain of dependent FMAs per thread, as long as takes work_ms on this GPU when
// nothing else runs on it. The job is an amount of whole-GPU work, not a span of time: two jobs
// at once, from one replica or from two replicas time-slicing the GPU, each take about twice as
// long, as a GPU-bound service's requests do. (A single block spinning on clock64() left the
// other SMs to other processes and finished on time however the GPU was shared.)
#include <algorithm>

#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {
namespace {

__device__ float busy_sink;

constexpr int kBlockThreads = 256;

// Blocks that fill the GPU: every SM's resident-thread limit, in blocks of kBlockThreads.
Result<int> full_grid() {
  static const Result<int> blocks = []() -> Result<int> {
    int device = 0, sms = 0, threads_per_sm = 0;
    USERSCALE_CUDA_TRY("device", cudaGetDevice(&device));
    USERSCALE_CUDA_TRY("SM count",
                       cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    USERSCALE_CUDA_TRY(
        "threads per SM",
        cudaDeviceGetAttribute(&threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device));
    return std::max(1, sms * std::max(1, threads_per_sm / kBlockThreads));
  }();
  return blocks;
}

__global__ void busy_kernel(long long iterations) {
  float x = 1.0f + threadIdx.x;
  for (long long i = 0; i < iterations; ++i) x = fmaf(x, 1.0000001f, 1e-9f);
  if (x == 0.0f) busy_sink = x;  // never true; keeps the arithmetic alive
}

Result<double> time_kernel_ms(int blocks, long long iterations) {
  cudaEvent_t start = nullptr, stop = nullptr;
  USERSCALE_CUDA_TRY("event", cudaEventCreate(&start));
  USERSCALE_CUDA_TRY("event", cudaEventCreate(&stop));
  float ms = 0.0f;
  cudaError_t e = cudaEventRecord(start, kStream);
  if (e == cudaSuccess) {
    busy_kernel<<<blocks, kBlockThreads, 0, kStream>>>(iterations);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = cudaEventRecord(stop, kStream);
  if (e == cudaSuccess) e = cudaEventSynchronize(stop);
  if (e == cudaSuccess) e = cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (e != cudaSuccess) return cuda_error("busy calibration", e);
  return static_cast<double>(ms);
}

// Fastest of `runs` timings of a kernel of `iterations`.
Result<double> fastest_ms(int blocks, long long iterations, int runs) {
  double best = 0.0;
  for (int i = 0; i < runs; ++i) {
    const Result<double> ms = time_kernel_ms(blocks, iterations);
    if (!ms.ok()) return ms.error();
    if (*ms > 0.0 && (best == 0.0 || *ms < best)) best = *ms;
  }
  return best;
}

// Iterations per millisecond, measured once (serve's warm-up runs a job). Replicas often start
// while others keep the GPU busy, so the probes are short (well under a time slice) and many,
// and the fastest of each size is one that ran uninterrupted; the slope between two sizes
// cancels the launch's fixed cost. Measured on a shared GPU with long probes, the rate came
// out a fraction of the true one, and a new replica's jobs were that much shorter.
Result<double> iterations_per_ms() {
  static const Result<double> rate = []() -> Result<double> {
    const Result<int> blocks = full_grid();
    if (!blocks.ok()) return blocks.error();
    constexpr long long kShort = 1LL << 13, kLong = 1LL << 15;
    constexpr int kRuns = 25;
    const Result<double> short_ms = fastest_ms(*blocks, kShort, kRuns);
    if (!short_ms.ok()) return short_ms.error();
    const Result<double> long_ms = fastest_ms(*blocks, kLong, kRuns);
    if (!long_ms.ok()) return long_ms.error();
    if (*long_ms <= *short_ms) return Error{"cuda", "busy calibration measured no work"};
    return static_cast<double>(kLong - kShort) / (*long_ms - *short_ms);
  }();
  return rate;
}

}  // namespace

Status busy_cuda(double work_ms) {
  const Result<double> rate = iterations_per_ms();
  if (!rate.ok()) return rate.error();
  busy_kernel<<<*full_grid(), kBlockThreads, 0, kStream>>>(static_cast<long long>(work_ms * *rate));
  USERSCALE_CUDA_TRY("launch", cudaGetLastError());
  USERSCALE_CUDA_TRY("wait", cudaStreamSynchronize(kStream));
  return ok_status();
}

}  // namespace userscale::server::kernels
