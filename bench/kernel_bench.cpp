// Throughput of each workload's kernel: the CPU twins everywhere, the CUDA kernels where a
// device is present (on a machine without one the CUDA rows report "no CUDA device").
// Items per second: sorted keys, output pixels, multiply-adds (so 2x that is FLOP/s), images
// classified, busy jobs. The CUDA rows include the host-device copies a request pays.
// Run: build/release/bench/kernel_bench [--benchmark_filter=Cuda]
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "server/kernels/busy_cpu.h"
#include "server/kernels/classifier_cpu.h"
#include "server/kernels/convolve_cpu.h"
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/inputs.h"
#include "server/kernels/matrix_cpu.h"
#include "server/kernels/sort_cpu.h"

namespace {

using namespace userscale;
using namespace userscale::server::kernels;

bool skip_without_cuda(benchmark::State& state) {
  std::string why;
  if (cuda_device_count(why) > 0) return false;
  state.SkipWithError(("no CUDA device: " + why).c_str());
  return true;
}

void fail_on(benchmark::State& state, const Status& s) {
  if (!s.ok()) state.SkipWithError(s.error().to_string().c_str());
}

void BM_SortCpu(benchmark::State& state) {
  const auto input = random_floats(static_cast<std::size_t>(state.range(0)), 42, -1.0f, 1.0f);
  for (auto _ : state) {
    std::vector<float> v = input;
    radix_sort_cpu(v);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SortCuda(benchmark::State& state) {
  if (skip_without_cuda(state)) return;
  const auto input = random_floats(static_cast<std::size_t>(state.range(0)), 42, -1.0f, 1.0f);
  for (auto _ : state) {
    std::vector<float> v = input;
    fail_on(state, radix_sort_cuda(v));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ConvolveCpu(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto image = random_floats(n * n, 7, 0.0f, 1.0f);
  const auto kernel = blur_kernel_5x5();
  std::vector<float> out;
  for (auto _ : state) convolve2d_cpu(image, n, n, kernel, 5, out);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * n));
}

void BM_ConvolveCuda(benchmark::State& state) {
  if (skip_without_cuda(state)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto image = random_floats(n * n, 7, 0.0f, 1.0f);
  const auto kernel = blur_kernel_5x5();
  std::vector<float> out;
  for (auto _ : state) fail_on(state, convolve2d_cuda(image, n, n, kernel, 5, out));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * n));
}

void BM_MatrixCpu(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_floats(n * n, 1, -1.0f, 1.0f);
  const auto b = random_floats(n * n, 2, -1.0f, 1.0f);
  std::vector<float> c;
  for (auto _ : state) matmul_cpu(a, b, n, c);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * n * n));
}

void BM_MatrixCuda(benchmark::State& state) {
  if (skip_without_cuda(state)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_floats(n * n, 1, -1.0f, 1.0f);
  const auto b = random_floats(n * n, 2, -1.0f, 1.0f);
  std::vector<float> c;
  for (auto _ : state) fail_on(state, matmul_cuda(a, b, n, c));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * n * n));
}

void BM_InferCpu(benchmark::State& state) {
  const auto w = make_classifier_weights(1234);
  const auto input = random_floats(kClassifierSide * kClassifierSide, 3, 0.0f, 1.0f);
  for (auto _ : state) benchmark::DoNotOptimize(classify_cpu(w, input));
  state.SetItemsProcessed(state.iterations());
}

void BM_InferCuda(benchmark::State& state) {
  if (skip_without_cuda(state)) return;
  const auto w = make_classifier_weights(1234);
  const auto input = random_floats(kClassifierSide * kClassifierSide, 3, 0.0f, 1.0f);
  for (auto _ : state) {
    auto r = classify_cuda(w, input);
    if (!r.ok()) state.SkipWithError(r.error().to_string().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

// A 0 ms job measures the fixed cost of one job (for the CPU: one round of its loop).
void BM_GpuJobCpu(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(busy_cpu(static_cast<double>(state.range(0))));
  state.SetItemsProcessed(state.iterations());
}

void BM_GpuJobCuda(benchmark::State& state) {
  if (skip_without_cuda(state)) return;
  for (auto _ : state) fail_on(state, busy_cuda(static_cast<double>(state.range(0))));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_SortCpu)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortCuda)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConvolveCpu)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConvolveCuda)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatrixCpu)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatrixCuda)->Arg(128)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InferCpu)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InferCuda)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GpuJobCpu)->Arg(0)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GpuJobCuda)->Arg(0)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
