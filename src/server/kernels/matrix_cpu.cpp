#include "server/kernels/matrix_cpu.h"

#include <algorithm>

namespace userscale::server::kernels {

void matmul_cpu(const std::vector<float>& a, const std::vector<float>& b, std::size_t n,
                std::vector<float>& c) {
  c.assign(n * n, 0.0f);
  // Blocked i-k-j order: the inner loop streams rows of b and c, which vectorizes and stays
  // in cache for the sizes the server accepts.
  constexpr std::size_t kBlock = 64;
  for (std::size_t i0 = 0; i0 < n; i0 += kBlock) {
    const std::size_t i1 = std::min(n, i0 + kBlock);
    for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
      const std::size_t k1 = std::min(n, k0 + kBlock);
      for (std::size_t i = i0; i < i1; ++i) {
        float* crow = &c[i * n];
        for (std::size_t k = k0; k < k1; ++k) {
          const float aik = a[i * n + k];
          const float* brow = &b[k * n];
          for (std::size_t j = 0; j < n; ++j) crow[j] += aik * brow[j];
        }
      }
    }
  }
}

}  // namespace userscale::server::kernels
