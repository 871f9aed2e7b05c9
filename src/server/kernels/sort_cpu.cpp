#include "server/kernels/sort_cpu.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace userscale::server::kernels {
namespace {

// Maps a float's bits to an unsigned key with the same order: negative numbers have all bits
// flipped, positive ones only the sign bit (as CUB does).
std::uint32_t to_key(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

float from_key(std::uint32_t k) {
  const std::uint32_t u = (k & 0x80000000u) ? (k & 0x7FFFFFFFu) : ~k;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace

void radix_sort_cpu(std::vector<float>& values) {
  const std::size_t n = values.size();
  std::vector<std::uint32_t> keys(n), scratch(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = to_key(values[i]);
  for (int shift = 0; shift < 32; shift += 8) {
    std::array<std::size_t, 257> offsets{};
    for (std::uint32_t k : keys) ++offsets[((k >> shift) & 0xFFu) + 1];
    for (std::size_t b = 1; b < offsets.size(); ++b) offsets[b] += offsets[b - 1];
    for (std::uint32_t k : keys) scratch[offsets[(k >> shift) & 0xFFu]++] = k;
    keys.swap(scratch);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = from_key(keys[i]);
}

}  // namespace userscale::server::kernels
