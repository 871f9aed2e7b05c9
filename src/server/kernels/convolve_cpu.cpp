#include "server/kernels/convolve_cpu.h"

namespace userscale::server::kernels {

void convolve2d_cpu(const std::vector<float>& image, std::size_t width, std::size_t height,
                    const std::vector<float>& kernel, std::size_t k, std::vector<float>& out) {
  out.assign(width * height, 0.0f);
  const long r = static_cast<long>(k / 2);
  const long w = static_cast<long>(width);
  const long h = static_cast<long>(height);
  for (long y = 0; y < h; ++y) {
    for (long x = 0; x < w; ++x) {
      float acc = 0.0f;
      for (long ky = -r; ky <= r; ++ky) {
        const long sy = y - ky;
        if (sy < 0 || sy >= h) continue;
        for (long kx = -r; kx <= r; ++kx) {
          const long sx = x - kx;
          if (sx < 0 || sx >= w) continue;
          acc += kernel[static_cast<std::size_t>((ky + r) * static_cast<long>(k) + (kx + r))] *
                 image[static_cast<std::size_t>(sy * w + sx)];
        }
      }
      out[static_cast<std::size_t>(y * w + x)] = acc;
    }
  }
}

std::vector<float> blur_kernel_5x5() {
  const float row[5] = {1, 4, 6, 4, 1};
  std::vector<float> k(25);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) k[y * 5 + x] = row[y] * row[x] / 256.0f;
  }
  return k;
}

}  // namespace userscale::server::kernels
