// Deterministic inputs for the workloads: the same size and seed give the same data on every
// machine, so that CPU and GPU results can be compared and responses checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace userscale::server::kernels {

// splitmix64: small, fast and well mixed; enough for test data and weights.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi).
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>((next() >> 40) * (1.0 / 16777216.0));
  }

 private:
  std::uint64_t state_;
};

std::vector<float> random_floats(std::size_t n, std::uint64_t seed, float lo, float hi);

}  // namespace userscale::server::kernels
