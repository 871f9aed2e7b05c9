// Every workload's CPU twin against an independent reference computation written here, and,
// where a CUDA device is present, the CUDA kernel against the CPU twin. Without a device only
// the CUDA tests skip.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "server/kernels/busy_cpu.h"
#include "server/kernels/classifier_cpu.h"
#include "server/kernels/convolve_cpu.h"
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/inputs.h"
#include "server/kernels/matrix_cpu.h"
#include "server/kernels/sort_cpu.h"
#include "server/workloads.h"

namespace userscale::server::kernels {
namespace {

bool have_cuda() {
  std::string why;
  return cuda_device_count(why) > 0;
}

// Only the CUDA tests skip, and only where there is no device; their CPU twins' tests always run.
#define SKIP_WITHOUT_CUDA()                             \
  do {                                                  \
    if (!have_cuda()) GTEST_SKIP() << "no CUDA device"; \
  } while (0)

void expect_close(const std::vector<float>& got, const std::vector<float>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tol * std::max(1.0, std::fabs(static_cast<double>(want[i]))))
        << "at " << i;
  }
}

// Direct double-precision "same" convolution, indexing the kernel as flipped explicitly.
std::vector<float> reference_convolve(const std::vector<float>& img, int w, int h,
                                      const std::vector<float>& k, int ks) {
  std::vector<float> out(static_cast<std::size_t>(w) * h);
  const int r = ks / 2;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double acc = 0.0;
      for (int sy = y - r; sy <= y + r; ++sy) {
        for (int sx = x - r; sx <= x + r; ++sx) {
          if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
          acc += static_cast<double>(k[(y - sy + r) * ks + (x - sx + r)]) * img[sy * w + sx];
        }
      }
      out[y * w + x] = static_cast<float>(acc);
    }
  }
  return out;
}

// The classifier's forward pass written out in double precision from its description
// (classifier_cpu.h), without the twin's helpers.
std::vector<float> reference_classify(const ClassifierWeights& wt, const std::vector<float>& in) {
  constexpr int s = kClassifierSide, half = kClassifierPooled;
  std::vector<double> logits(kClassifierClasses);
  for (int k = 0; k < kClassifierClasses; ++k) logits[k] = wt.dense_bias[k];
  for (int c = 0; c < kClassifierChannels; ++c) {
    for (int py = 0; py < half; ++py) {
      for (int px = 0; px < half; ++px) {
        double best = 0.0;  // ReLU outputs are >= 0
        for (int y = 2 * py; y < 2 * py + 2; ++y) {
          for (int x = 2 * px; x < 2 * px + 2; ++x) {
            double acc = wt.conv_bias[c];
            for (int ky = 0; ky < 3; ++ky) {
              for (int kx = 0; kx < 3; ++kx) {
                const int sy = y + ky - 1, sx = x + kx - 1;
                if (sy >= 0 && sy < s && sx >= 0 && sx < s)
                  acc += static_cast<double>(wt.conv[c * 9 + ky * 3 + kx]) * in[sy * s + sx];
              }
            }
            best = std::max(best, acc);
          }
        }
        const int f = (c * half + py) * half + px;
        for (int k = 0; k < kClassifierClasses; ++k)
          logits[k] += static_cast<double>(wt.dense[k * kClassifierFeatures + f]) * best;
      }
    }
  }
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (double l : logits) sum += std::exp(l - top);
  std::vector<float> p;
  for (double l : logits) p.push_back(static_cast<float>(std::exp(l - top) / sum));
  return p;
}

// The inputs of each workload and its CPU twin's result, shared by the CPU and GPU tests.
std::vector<float> sort_input() {
  std::vector<float> values = random_floats(300'007, 11, -50.0f, 50.0f);
  values.insert(values.end(), {0.0f, -0.0f, 7.5f, 7.5f, -1e-20f});
  return values;
}
std::vector<float> sort_cpu(std::vector<float> v) {
  radix_sort_cpu(v);
  return v;
}

constexpr int kConvW = 131, kConvH = 77;  // not multiples of the GPU's 16x16 blocks
std::vector<float> conv_image() {
  return random_floats(static_cast<std::size_t>(kConvW) * kConvH, 5, 0.0f, 1.0f);
}
std::vector<float> conv_kernel() {
  return random_floats(25, 6, -1.0f, 1.0f);  // asymmetric: flipping matters
}
std::vector<float> convolve_cpu() {
  std::vector<float> out;
  convolve2d_cpu(conv_image(), kConvW, kConvH, conv_kernel(), 5, out);
  return out;
}

constexpr std::size_t kMatN = 133;
std::vector<float> mat_a() {
  return random_floats(kMatN * kMatN, 21, -1.0f, 1.0f);
}
std::vector<float> mat_b() {
  return random_floats(kMatN * kMatN, 22, -1.0f, 1.0f);
}
std::vector<float> matrix_cpu() {
  std::vector<float> c;
  matmul_cpu(mat_a(), mat_b(), kMatN, c);
  return c;
}

ClassifierWeights net_weights() {
  return make_classifier_weights(77);
}
std::vector<float> net_input() {
  return random_floats(kClassifierSide * kClassifierSide, 78, 0.0f, 1.0f);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

TEST(KernelAgreement, SortCpuTwinMatchesStdSort) {
  std::vector<float> reference = sort_input();
  std::sort(reference.begin(), reference.end());
  EXPECT_EQ(sort_cpu(sort_input()), reference);
}

TEST(KernelAgreement, SortCudaMatchesCpuTwin) {
  SKIP_WITHOUT_CUDA();
  std::vector<float> gpu = sort_input();
  const Status s = radix_sort_cuda(gpu);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(gpu, sort_cpu(sort_input()));
}

TEST(KernelAgreement, ConvolveCpuTwinMatchesDirectReference) {
  expect_close(convolve_cpu(), reference_convolve(conv_image(), kConvW, kConvH, conv_kernel(), 5),
               1e-5);
}

TEST(KernelAgreement, ConvolveCudaMatchesCpuTwin) {
  SKIP_WITHOUT_CUDA();
  std::vector<float> gpu;
  const Status s = convolve2d_cuda(conv_image(), kConvW, kConvH, conv_kernel(), 5, gpu);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  expect_close(gpu, convolve_cpu(), 1e-5);
}

TEST(KernelAgreement, MatrixCpuTwinMatchesDoublePrecisionProduct) {
  const auto a = mat_a(), b = mat_b();
  std::vector<float> reference(kMatN * kMatN);
  for (std::size_t i = 0; i < kMatN; ++i) {
    for (std::size_t j = 0; j < kMatN; ++j) {
      double acc = 0.0;
      for (std::size_t k = 0; k < kMatN; ++k)
        acc += static_cast<double>(a[i * kMatN + k]) * b[k * kMatN + j];
      reference[i * kMatN + j] = static_cast<float>(acc);
    }
  }
  expect_close(matrix_cpu(), reference, 1e-4);
}

TEST(KernelAgreement, MatrixCudaMatchesCpuTwin) {
  SKIP_WITHOUT_CUDA();
  std::vector<float> gpu;
  const Status s = matmul_cuda(mat_a(), mat_b(), kMatN, gpu);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  // cuBLAS may use another summation order; 133 terms of [-1, 1] products.
  expect_close(gpu, matrix_cpu(), 2e-3);
}

TEST(KernelAgreement, ClassifierCpuTwinMatchesDirectReference) {
  expect_close(classify_cpu(net_weights(), net_input()),
               reference_classify(net_weights(), net_input()), 1e-5);
}

TEST(KernelAgreement, ClassifierCudaMatchesCpuTwin) {
  SKIP_WITHOUT_CUDA();
  const auto gpu = classify_cuda(net_weights(), net_input());
  ASSERT_TRUE(gpu.ok()) << gpu.error().to_string();
  expect_close(*gpu, classify_cpu(net_weights(), net_input()), 1e-5);
}

TEST(KernelAgreement, BusyJobCpuTwinTakesItsTime) {
  const auto t0 = std::chrono::steady_clock::now();
  const BusyResult r = busy_cpu(60.0);
  EXPECT_GE(ms_since(t0), 60.0);
  EXPECT_GT(r.iterations, 0u);
}

TEST(KernelAgreement, BusyJobCudaTakesItsTime) {
  SKIP_WITHOUT_CUDA();
  const auto t0 = std::chrono::steady_clock::now();
  const Status s = busy_cuda(60.0);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  // The job is 60 ms of work measured on this GPU at warm-up; its clock may have changed since.
  EXPECT_GE(ms_since(t0), 40.0);
  EXPECT_LT(ms_since(t0), 5000.0);
}

TEST(DeviceChoice, AutoFallsBackAndCudaWithoutADeviceIsAnError) {
  std::string why;
  const int devices = cuda_device_count(why);
  const auto automatic = choose_device("auto");
  ASSERT_TRUE(automatic.ok());
  const auto cuda = choose_device("cuda");
  if (devices > 0) {
    EXPECT_EQ(automatic->device, Device::Cuda);
    ASSERT_TRUE(cuda.ok());
    EXPECT_EQ(cuda->device, Device::Cuda);
  } else {
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(automatic->device, Device::Cpu);
    EXPECT_NE(automatic->reason.find("no CUDA device"), std::string::npos) << automatic->reason;
    ASSERT_FALSE(cuda.ok());
    EXPECT_EQ(cuda.error().path, "--device");
    EXPECT_NE(cuda.error().message.find("cuda requested but"), std::string::npos);
  }
  const auto cpu = choose_device("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ(cpu->device, Device::Cpu);
  const auto bad = choose_device("gpu");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().to_string(), "--device: expected auto, cpu or cuda, got \"gpu\"");
}

}  // namespace
}  // namespace userscale::server::kernels
