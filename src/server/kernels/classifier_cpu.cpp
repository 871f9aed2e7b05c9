#include "server/kernels/classifier_cpu.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "server/kernels/inputs.h"

namespace userscale::server::kernels {

std::size_t ClassifierWeights::parameter_count() {
  return kClassifierChannels * 9 + kClassifierChannels +
         static_cast<std::size_t>(kClassifierClasses) * kClassifierFeatures + kClassifierClasses;
}

ClassifierWeights make_classifier_weights(std::uint64_t seed) {
  SplitMix64 rng(seed);
  ClassifierWeights w;
  const float conv_scale = std::sqrt(2.0f / 9.0f);
  const float dense_scale = std::sqrt(2.0f / kClassifierFeatures);
  w.conv.resize(kClassifierChannels * 9);
  for (float& v : w.conv) v = rng.uniform(-1.0f, 1.0f) * conv_scale;
  w.conv_bias.resize(kClassifierChannels);
  for (float& v : w.conv_bias) v = rng.uniform(-0.1f, 0.1f);
  w.dense.resize(static_cast<std::size_t>(kClassifierClasses) * kClassifierFeatures);
  for (float& v : w.dense) v = rng.uniform(-1.0f, 1.0f) * dense_scale;
  w.dense_bias.resize(kClassifierClasses);
  for (float& v : w.dense_bias) v = rng.uniform(-0.1f, 0.1f);
  return w;
}

Result<ClassifierWeights> load_classifier_weights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path, "cannot open the model file"};
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t want = ClassifierWeights::parameter_count() * sizeof(float);
  if (bytes.size() != want) {
    return Error{path, "expected " + std::to_string(want) + " bytes of float32 weights, found " +
                           std::to_string(bytes.size())};
  }
  std::vector<float> all(ClassifierWeights::parameter_count());
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(all.data()));
  ClassifierWeights w;
  auto it = all.begin();
  auto take = [&it](std::vector<float>& dst, std::size_t n) {
    dst.assign(it, it + static_cast<long>(n));
    it += static_cast<long>(n);
  };
  take(w.conv, kClassifierChannels * 9);
  take(w.conv_bias, kClassifierChannels);
  take(w.dense, static_cast<std::size_t>(kClassifierClasses) * kClassifierFeatures);
  take(w.dense_bias, kClassifierClasses);
  return w;
}

std::vector<float> conv3x3_relu(const ClassifierWeights& w, const std::vector<float>& input) {
  constexpr int s = kClassifierSide;
  std::vector<float> out(static_cast<std::size_t>(kClassifierChannels) * s * s);
  for (int c = 0; c < kClassifierChannels; ++c) {
    for (int y = 0; y < s; ++y) {
      for (int x = 0; x < s; ++x) {
        float acc = w.conv_bias[c];
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int sy = y + dy, sx = x + dx;
            if (sy < 0 || sy >= s || sx < 0 || sx >= s) continue;
            acc += w.conv[c * 9 + (dy + 1) * 3 + (dx + 1)] * input[sy * s + sx];
          }
        }
        out[(c * s + y) * s + x] = std::max(acc, 0.0f);
      }
    }
  }
  return out;
}

std::vector<float> maxpool2x2(const std::vector<float>& maps, int side, int channels) {
  const int half = side / 2;
  std::vector<float> out(static_cast<std::size_t>(channels) * half * half);
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < half; ++y) {
      for (int x = 0; x < half; ++x) {
        const float* base = &maps[(c * side + 2 * y) * side + 2 * x];
        out[(c * half + y) * half + x] = std::max({base[0], base[1], base[side], base[side + 1]});
      }
    }
  }
  return out;
}

std::vector<float> softmax(const std::vector<float>& logits) {
  std::vector<float> out(logits.size());
  if (logits.empty()) return out;
  const float top = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    out[i] = std::exp(logits[i] - top);
    sum += out[i];
  }
  for (float& v : out) v = static_cast<float>(v / sum);
  return out;
}

std::vector<float> classify_cpu(const ClassifierWeights& w, const std::vector<float>& input) {
  const std::vector<float> pooled =
      maxpool2x2(conv3x3_relu(w, input), kClassifierSide, kClassifierChannels);
  std::vector<float> logits(kClassifierClasses);
  for (int k = 0; k < kClassifierClasses; ++k) {
    float acc = w.dense_bias[k];
    const float* row = &w.dense[static_cast<std::size_t>(k) * kClassifierFeatures];
    for (int f = 0; f < kClassifierFeatures; ++f) acc += row[f] * pooled[f];
    logits[k] = acc;
  }
  return softmax(logits);
}

}  // namespace userscale::server::kernels
