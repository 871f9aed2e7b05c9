// How many CUDA devices this process can use. The runtime is linked statically and finds the
// driver (libcuda.so) at run time, so that without a driver this answers 0 instead of the
// binary failing to start.
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {

int cuda_device_count(std::string& why) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error, so that it does not surface later
    why = std::string("no usable CUDA device: ") + cudaGetErrorString(e);
    return 0;
  }
  if (count == 0) why = "no CUDA device";
  return count;
}

}  // namespace userscale::server::kernels
