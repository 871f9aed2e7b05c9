// A small image classifier for /infer: 32x32 grayscale input, one 3x3 convolution with 8
// channels and ReLU, 2x2 max pooling, a dense layer to 10 classes and softmax. The CPU twin
// of the GPU forward pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::server::kernels {

inline constexpr int kClassifierSide = 32;
inline constexpr int kClassifierChannels = 8;
inline constexpr int kClassifierClasses = 10;
inline constexpr int kClassifierPooled = kClassifierSide / 2;
inline constexpr int kClassifierFeatures =
    kClassifierPooled * kClassifierPooled * kClassifierChannels;

struct ClassifierWeights {
  std::vector<float> conv;        // [channel][3][3]
  std::vector<float> conv_bias;   // [channel]
  std::vector<float> dense;       // [class][feature], feature = (channel * 16 + y) * 16 + x
  std::vector<float> dense_bias;  // [class]

  static std::size_t parameter_count();
};

// Deterministic weights from a seed (He-style scaling), so that every replica agrees.
ClassifierWeights make_classifier_weights(std::uint64_t seed);
// Raw little-endian float32 in the order conv, conv_bias, dense, dense_bias.
Result<ClassifierWeights> load_classifier_weights(const std::string& path);

// `input` is 32x32 row-major in [0, 1]; returns the 10 class probabilities.
std::vector<float> classify_cpu(const ClassifierWeights& w, const std::vector<float>& input);

// Steps of the forward pass, exposed for tests.
std::vector<float> conv3x3_relu(const ClassifierWeights& w, const std::vector<float>& input);
std::vector<float> maxpool2x2(const std::vector<float>& maps, int side, int channels);
std::vector<float> softmax(const std::vector<float>& logits);

}  // namespace userscale::server::kernels
