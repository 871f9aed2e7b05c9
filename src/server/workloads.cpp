#include "server/workloads.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "server/image_decode.h"
#include "server/kernels/busy_cpu.h"
#include "server/kernels/convolve_cpu.h"
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/inputs.h"
#include "server/kernels/matrix_cpu.h"
#include "server/kernels/sort_cpu.h"

namespace userscale::server {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// Runs the CUDA kernel when asked to and falls back to the CPU twin when it fails; returns
// the device that produced the result.
template <typename Cuda, typename Cpu>
Device run_on(Device device, Cuda&& cuda, Cpu&& cpu) {
  if (device == Device::Cuda && cuda().ok()) return Device::Cuda;
  cpu();
  return Device::Cpu;
}

double sum_of(const std::vector<float>& v) {
  double s = 0.0;
  for (float x : v) s += x;
  return s;
}

}  // namespace

bool cuda_built() {
#ifdef USERSCALE_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

std::string_view device_name(Device d) {
  return d == Device::Cuda ? "cuda" : "cpu";
}

Result<DeviceChoice> choose_device(std::string_view requested) {
  if (requested == "cpu") return DeviceChoice{Device::Cpu, "--device cpu"};
  if (requested != "auto" && requested != "cuda") {
    return Error{"--device", "expected auto, cpu or cuda, got \"" + std::string(requested) + "\""};
  }
  std::string why;
  const int count = kernels::cuda_device_count(why);
  if (count > 0) return DeviceChoice{Device::Cuda, std::to_string(count) + " CUDA device(s)"};
  if (requested == "cuda") return Error{"--device", "cuda requested but " + why};
  return DeviceChoice{Device::Cpu, "no CUDA device (" + why + "); running the CPU twins"};
}

Workloads::Workloads(Device device, kernels::ClassifierWeights weights)
    : device_(device), weights_(std::move(weights)) {}

std::string Workloads::sort(std::int64_t size) const {
  auto values = kernels::random_floats(static_cast<std::size_t>(size), 42, -1.0f, 1.0f);
  const auto t0 = clock_type::now();
  const Device ran = run_on(
      device_, [&] { return kernels::radix_sort_cuda(values); },
      [&] { kernels::radix_sort_cpu(values); });
  const double ms = ms_since(t0);
  return json{{"workload", "sort"},
              {"size", size},
              {"device", device_name(ran)},
              {"compute_ms", ms},
              {"min", values.front()},
              {"max", values.back()},
              {"median", values[values.size() / 2]}}
      .dump();
}

std::string Workloads::convolve(std::int64_t size) const {
  const auto n = static_cast<std::size_t>(size);
  const auto image = kernels::random_floats(n * n, 7, 0.0f, 1.0f);
  const auto kernel = kernels::blur_kernel_5x5();
  std::vector<float> out;
  const auto t0 = clock_type::now();
  const Device ran = run_on(
      device_, [&] { return kernels::convolve2d_cuda(image, n, n, kernel, 5, out); },
      [&] { kernels::convolve2d_cpu(image, n, n, kernel, 5, out); });
  const double ms = ms_since(t0);
  return json{
      {"workload", "convolve"},        {"size", size},
      {"device", device_name(ran)},    {"compute_ms", ms},
      {"kernel", "5x5 binomial blur"}, {"mean", sum_of(out) / static_cast<double>(out.size())}}
      .dump();
}

std::string Workloads::matrix(std::int64_t size) const {
  const auto n = static_cast<std::size_t>(size);
  const auto a = kernels::random_floats(n * n, 1, -1.0f, 1.0f);
  const auto b = kernels::random_floats(n * n, 2, -1.0f, 1.0f);
  std::vector<float> c;
  const auto t0 = clock_type::now();
  const Device ran = run_on(
      device_, [&] { return kernels::matmul_cuda(a, b, n, c); },
      [&] { kernels::matmul_cpu(a, b, n, c); });
  const double ms = ms_since(t0);
  const double gflops = ms > 0 ? 2.0 * std::pow(static_cast<double>(n), 3) / (ms * 1e6) : 0.0;
  return json{{"workload", "matrix"},       {"size", size},
              {"device", device_name(ran)}, {"compute_ms", ms},
              {"gflops", gflops},           {"trace", sum_of(c) / static_cast<double>(n)}}
      .dump();
}

std::string Workloads::gpu_job(std::int64_t work_ms) const {
  const auto t0 = clock_type::now();
  const Device ran = run_on(
      device_, [&] { return kernels::busy_cuda(static_cast<double>(work_ms)); },
      [&] { kernels::busy_cpu(static_cast<double>(work_ms)); });
  return json{{"workload", "gpu_job"},
              {"work_ms", work_ms},
              {"device", device_name(ran)},
              {"compute_ms", ms_since(t0)}}
      .dump();
}

Result<std::string> Workloads::infer(std::string_view body) const {
  auto img = decode_gray_image(body);
  if (!img.ok()) return img.error();
  const std::vector<float> input = resize_nearest(*img, kernels::kClassifierSide);
  const auto t0 = clock_type::now();
  std::vector<float> probs;
  const Device ran = run_on(
      device_,
      [&]() -> Status {
        auto r = kernels::classify_cuda(weights_, input);
        if (!r.ok()) return r.error();
        probs = std::move(r).value();
        return ok_status();
      },
      [&] { probs = kernels::classify_cpu(weights_, input); });
  const double ms = ms_since(t0);
  std::size_t best = 0;
  for (std::size_t i = 1; i < probs.size(); ++i) {
    if (probs[i] > probs[best]) best = i;
  }
  return json{{"workload", "infer"},   {"device", device_name(ran)}, {"compute_ms", ms},
              {"width", img->width},   {"height", img->height},      {"class", best},
              {"probabilities", probs}}
      .dump();
}

void Workloads::warm_up() const {
  sort(1024);
  convolve(64);
  matrix(64);
  gpu_job(1);
  std::string pixels(32 * 32, '\x80');
  (void)infer(pixels);
}

}  // namespace userscale::server
