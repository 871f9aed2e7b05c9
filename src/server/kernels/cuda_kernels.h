// The GPU versions of the workloads. Built only when nvcc is found (USERSCALE_HAVE_CUDA);
// otherwise cuda_unavailable.cpp reports no device, and every workload runs its CPU twin.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/kernels/classifier_cpu.h"

namespace userscale::server::kernels {

// Number of usable CUDA devices (0 when CUDA was not built in, or there is no driver or GPU),
// and why when 0.
int cuda_device_count(std::string& why);

Status radix_sort_cuda(std::vector<float>& values);
Status matmul_cuda(const std::vector<float>& a, const std::vector<float>& b, std::size_t n,
                   std::vector<float>& c);
Status convolve2d_cuda(const std::vector<float>& image, std::size_t width, std::size_t height,
                       const std::vector<float>& kernel, std::size_t k, std::vector<float>& out);
Status busy_cuda(double work_ms);
Result<std::vector<float>> classify_cuda(const ClassifierWeights& w,
                                         const std::vector<float>& input);

}  // namespace userscale::server::kernels
