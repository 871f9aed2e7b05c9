#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "server/kernels/busy_cpu.h"
#include "server/kernels/classifier_cpu.h"
#include "server/kernels/convolve_cpu.h"
#include "server/kernels/inputs.h"
#include "server/kernels/matrix_cpu.h"
#include "server/kernels/sort_cpu.h"

namespace userscale::server::kernels {
namespace {

TEST(RadixSortCpu, MatchesStdSortOnMixedSigns) {
  std::vector<float> v = random_floats(100'003, 9, -1000.0f, 1000.0f);
  v.push_back(0.0f);
  v.push_back(-0.0f);
  v.push_back(-1e-30f);
  v.push_back(3.0f);
  v.push_back(3.0f);
  std::vector<float> expected = v;
  std::sort(expected.begin(), expected.end());
  radix_sort_cpu(v);
  ASSERT_EQ(v.size(), expected.size());
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(v, expected);
}

TEST(RadixSortCpu, SortsAKnownArrayAndEmptyOne) {
  std::vector<float> v = {3.5f, -2.0f, 0.0f, 10.0f, -7.25f, 1.0f};
  radix_sort_cpu(v);
  EXPECT_EQ(v, (std::vector<float>{-7.25f, -2.0f, 0.0f, 1.0f, 3.5f, 10.0f}));
  std::vector<float> empty;
  radix_sort_cpu(empty);
  EXPECT_TRUE(empty.empty());
}

TEST(MatmulCpu, KnownProduct) {
  // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]
  std::vector<float> c;
  matmul_cpu({1, 2, 3, 4}, {5, 6, 7, 8}, 2, c);
  EXPECT_EQ(c, (std::vector<float>{19, 22, 43, 50}));
}

TEST(MatmulCpu, AgreesWithTheTextbookTripleLoopAcrossBlocks) {
  const std::size_t n = 97;  // more than one 64-wide block, not a multiple of it
  const auto a = random_floats(n * n, 3, -1.0f, 1.0f);
  const auto b = random_floats(n * n, 4, -1.0f, 1.0f);
  std::vector<float> c;
  matmul_cpu(a, b, n, c);
  for (std::size_t i = 0; i < n; i += 7) {
    for (std::size_t j = 0; j < n; j += 5) {
      double ref = 0.0;
      for (std::size_t k = 0; k < n; ++k) ref += static_cast<double>(a[i * n + k]) * b[k * n + j];
      EXPECT_NEAR(c[i * n + j], ref, 1e-4) << i << "," << j;
    }
  }
}

TEST(MatmulCpu, IdentityLeavesAMatrixUnchanged) {
  const std::size_t n = 5;
  std::vector<float> id(n * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) id[i * n + i] = 1.0f;
  const auto a = random_floats(n * n, 5, -3.0f, 3.0f);
  std::vector<float> c;
  matmul_cpu(a, id, n, c);
  EXPECT_EQ(c, a);
}

TEST(Convolve2dCpu, DeltaImageReproducesTheFlippedKernel) {
  // A 3x3 kernel whose only weight (2) is at its top-left. True convolution flips the kernel,
  // so out(y, x) = 2 * img(y + 1, x + 1): the delta at (2, 2) lands at (1, 1).
  std::vector<float> k(9, 0.0f);
  k[0] = 2.0f;
  std::vector<float> img(25, 0.0f);
  img[2 * 5 + 2] = 1.0f;
  std::vector<float> out;
  convolve2d_cpu(img, 5, 5, k, 3, out);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      EXPECT_FLOAT_EQ(out[y * 5 + x], (y == 1 && x == 1) ? 2.0f : 0.0f) << y << "," << x;
    }
  }
}

TEST(Convolve2dCpu, BlurOfAConstantImage) {
  const auto k = blur_kernel_5x5();
  EXPECT_FLOAT_EQ(std::accumulate(k.begin(), k.end(), 0.0f), 1.0f);
  std::vector<float> img(8 * 8, 1.0f);
  std::vector<float> out;
  convolve2d_cpu(img, 8, 8, k, 5, out);
  EXPECT_FLOAT_EQ(out[3 * 8 + 3], 1.0f);  // interior: the kernel sums to 1
  // Corner: only the kernel's 3x3 block of weights (1+4+6)^2 / 256 sees the image.
  EXPECT_FLOAT_EQ(out[0], 121.0f / 256.0f);
  // Edge middle: rows 1+4+6 times all columns 16.
  EXPECT_FLOAT_EQ(out[0 * 8 + 4], 11.0f * 16.0f / 256.0f);
}

TEST(Convolve2dCpu, KnownSmallImage) {
  // 3x3 box (all ones) over [[1,2,3],[4,5,6],[7,8,9]] with zero padding.
  std::vector<float> out;
  convolve2d_cpu({1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, std::vector<float>(9, 1.0f), 3, out);
  EXPECT_EQ(out, (std::vector<float>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
}

TEST(BusyCpu, RunsForTheRequestedTime) {
  const auto t0 = std::chrono::steady_clock::now();
  const BusyResult r = busy_cpu(30.0);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ms, 30.0);
  EXPECT_GT(r.iterations, 0u);
}

TEST(ClassifierCpu, SoftmaxIsAProbabilityDistributionInLogitOrder) {
  const auto p = softmax({1.0f, 2.0f, 3.0f});
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-6);
  // e^1 : e^2 : e^3
  EXPECT_NEAR(p[2] / p[1], std::exp(1.0), 1e-4);
  EXPECT_NEAR(p[0], 0.09003057, 1e-6);
}

TEST(ClassifierCpu, ConvolutionAndPoolingOnAHandExample) {
  ClassifierWeights w = make_classifier_weights(1);
  std::fill(w.conv.begin(), w.conv.end(), 0.0f);
  std::fill(w.conv_bias.begin(), w.conv_bias.end(), 0.0f);
  w.conv[0 * 9 + 4] = 1.0f;   // channel 0: identity
  w.conv[1 * 9 + 4] = -1.0f;  // channel 1: negation, cut by ReLU
  w.conv_bias[2] = 0.5f;      // channel 2: constant 0.5
  std::vector<float> input(kClassifierSide * kClassifierSide, 0.0f);
  input[3 * kClassifierSide + 5] = 0.75f;
  const auto maps = conv3x3_relu(w, input);
  EXPECT_FLOAT_EQ(maps[(0 * kClassifierSide + 3) * kClassifierSide + 5], 0.75f);
  EXPECT_FLOAT_EQ(maps[(1 * kClassifierSide + 3) * kClassifierSide + 5], 0.0f);
  EXPECT_FLOAT_EQ(maps[(2 * kClassifierSide + 10) * kClassifierSide + 10], 0.5f);
  const auto pooled = maxpool2x2(maps, kClassifierSide, kClassifierChannels);
  EXPECT_FLOAT_EQ(pooled[(0 * kClassifierPooled + 1) * kClassifierPooled + 2], 0.75f);
  EXPECT_FLOAT_EQ(pooled[(0 * kClassifierPooled + 0) * kClassifierPooled + 0], 0.0f);
}

TEST(ClassifierCpu, DeterministicWeightsAndProbabilities) {
  const auto w1 = make_classifier_weights(7);
  const auto w2 = make_classifier_weights(7);
  const auto w3 = make_classifier_weights(8);
  EXPECT_EQ(w1.dense, w2.dense);
  EXPECT_NE(w1.dense, w3.dense);
  const auto input = random_floats(kClassifierSide * kClassifierSide, 11, 0.0f, 1.0f);
  const auto p = classify_cpu(w1, input);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(kClassifierClasses));
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-5);
  EXPECT_EQ(p, classify_cpu(w2, input));
}

TEST(ClassifierCpu, WeightsLoadFromARawFile) {
  const auto w = make_classifier_weights(21);
  const auto path = std::filesystem::temp_directory_path() /
                    ("userscale_weights_" + std::to_string(::getpid()) + ".bin");
  {
    std::ofstream out(path, std::ios::binary);
    for (const auto* part : {&w.conv, &w.conv_bias, &w.dense, &w.dense_bias}) {
      out.write(reinterpret_cast<const char*>(part->data()),
                static_cast<std::streamsize>(part->size() * sizeof(float)));
    }
  }
  auto loaded = load_classifier_weights(path.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  EXPECT_EQ(loaded->dense, w.dense);
  EXPECT_EQ(loaded->conv_bias, w.conv_bias);
  {
    std::ofstream out(path, std::ios::binary);
    out << "short";
  }
  auto bad = load_classifier_weights(path.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("float32 weights"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace userscale::server::kernels
