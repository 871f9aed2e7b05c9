#include "server/kernels/inputs.h"

namespace userscale::server::kernels {

std::vector<float> random_floats(std::size_t n, std::uint64_t seed, float lo, float hi) {
  SplitMix64 rng(seed);
  std::vector<float> out(n);
  for (float& v : out) v = rng.uniform(lo, hi);
  return out;
}

}  // namespace userscale::server::kernels
