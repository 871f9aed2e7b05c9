// Stand-ins for the CUDA kernels when the build has no nvcc: no device, so nothing calls them.
#ifndef USERSCALE_HAVE_CUDA

#include "server/kernels/cuda_kernels.h"

namespace userscale::server::kernels {
namespace {
Error not_built() {
  return Error{"cuda", "this build has no CUDA support"};
}
}  // namespace

int cuda_device_count(std::string& why) {
  why = "built without CUDA (nvcc was not found)";
  return 0;
}
Status radix_sort_cuda(std::vector<float>&) {
  return not_built();
}
Status matmul_cuda(const std::vector<float>&, const std::vector<float>&, std::size_t,
                   std::vector<float>&) {
  return not_built();
}
Status convolve2d_cuda(const std::vector<float>&, std::size_t, std::size_t,
                       const std::vector<float>&, std::size_t, std::vector<float>&) {
  return not_built();
}
Status busy_cuda(double) {
  return not_built();
}
Result<std::vector<float>> classify_cuda(const ClassifierWeights&, const std::vector<float>&) {
  return not_built();
}

}  // namespace userscale::server::kernels

#endif  // USERSCALE_HAVE_CUDA
