// /convolve on the GPU: one thread per output pixel, the same zero-padded "same" true
// convolution as the CPU twin (convolve_cpu.cpp), summed in the same order.
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {
namespace {

__global__ void convolve2d_kernel(const float* image, long width, long height, const float* kernel,
                                  long k, float* out) {
  const long x = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  const long y = blockIdx.y * static_cast<long>(blockDim.y) + threadIdx.y;
  if (x >= width || y >= height) return;
  const long r = k / 2;
  float acc = 0.0f;
  for (long ky = -r; ky <= r; ++ky) {
    const long sy = y - ky;
    if (sy < 0 || sy >= height) continue;
    for (long kx = -r; kx <= r; ++kx) {
      const long sx = x - kx;
      if (sx < 0 || sx >= width) continue;
      acc += kernel[(ky + r) * k + (kx + r)] * image[sy * width + sx];
    }
  }
  out[y * width + x] = acc;
}

}  // namespace

Status convolve2d_cuda(const std::vector<float>& image, std::size_t width, std::size_t height,
                       const std::vector<float>& kernel, std::size_t k, std::vector<float>& out) {
  if (width == 0 || height == 0) {
    out.clear();
    return ok_status();
  }
  DeviceBuffer<float> d_image, d_kernel, d_out;
  USERSCALE_CUDA_TRY("upload", d_image.upload(image));
  USERSCALE_CUDA_TRY("upload", d_kernel.upload(kernel));
  USERSCALE_CUDA_TRY("allocate", d_out.allocate(width * height));
  const dim3 block(16, 16);
  const dim3 grid(static_cast<unsigned>((width + 15) / 16),
                  static_cast<unsigned>((height + 15) / 16));
  convolve2d_kernel<<<grid, block, 0, kStream>>>(d_image.get(), static_cast<long>(width),
                                                 static_cast<long>(height), d_kernel.get(),
                                                 static_cast<long>(k), d_out.get());
  USERSCALE_CUDA_TRY("launch", cudaGetLastError());
  USERSCALE_CUDA_TRY("download", d_out.download(out));
  return ok_status();
}

}  // namespace userscale::server::kernels
