// /sort on the GPU: CUB's device-wide radix sort of float keys (the CPU twin, sort_cpu.cpp,
// is the same LSD radix sort over the same order-preserving key mapping).
#include <cub/device/device_radix_sort.cuh>

#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {

Status radix_sort_cuda(std::vector<float>& values) {
  const int n = static_cast<int>(values.size());
  if (n == 0) return ok_status();
  DeviceBuffer<float> in, out;
  USERSCALE_CUDA_TRY("upload", in.upload(values));
  USERSCALE_CUDA_TRY("allocate", out.allocate(values.size()));
  std::size_t temp_bytes = 0;
  USERSCALE_CUDA_TRY("sort size", cub::DeviceRadixSort::SortKeys(nullptr, temp_bytes, in.get(),
                                                                 out.get(), n, 0, 32, kStream));
  DeviceBuffer<unsigned char> temp;
  USERSCALE_CUDA_TRY("allocate", temp.allocate(temp_bytes));
  USERSCALE_CUDA_TRY("sort", cub::DeviceRadixSort::SortKeys(temp.get(), temp_bytes, in.get(),
                                                            out.get(), n, 0, 32, kStream));
  USERSCALE_CUDA_TRY("download", out.download(values));
  return ok_status();
}

}  // namespace userscale::server::kernels
