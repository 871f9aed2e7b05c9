// /matrix on the GPU: cuBLAS SGEMM. cuBLAS has no static library in the toolkit here, and a
// hard link would stop the binary from starting without it, so it is opened with dlopen on
// first use; when it is missing, a tiled shared-memory kernel does the multiply instead.
#include <cublas_api.h>
#include <dlfcn.h>

#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {
namespace {

using CreateFn = cublasStatus_t (*)(cublasHandle_t*);
using SetStreamFn = cublasStatus_t (*)(cublasHandle_t, cudaStream_t);
using SgemmFn = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int,
                                   int, const float*, const float*, int, const float*, int,
                                   const float*, float*, int);

// The library is opened once for the process; each request thread gets its own handle, bound
// to its per-thread stream: a handle shared between threads needs a lock around every call and
// shares one workspace between kernels that run at once on different streams. Handles live as
// long as their (long-lived worker) threads and are not destroyed, so that none is torn down
// after the CUDA runtime at exit.
class Cublas {
 public:
  static Cublas& instance() {
    static Cublas c;
    return c;
  }

  // This thread's handle, or nullptr when cuBLAS is missing or cannot start here.
  cublasHandle_t thread_handle() {
    if (!create_ || !set_stream_ || !sgemm_) return nullptr;
    thread_local cublasHandle_t handle = [this] {
      cublasHandle_t h = nullptr;
      if (create_(&h) != CUBLAS_STATUS_SUCCESS) return static_cast<cublasHandle_t>(nullptr);
      if (set_stream_(h, kStream) != CUBLAS_STATUS_SUCCESS)
        return static_cast<cublasHandle_t>(nullptr);
      return h;
    }();
    return handle;
  }

  // Row-major c = a * b is column-major c^T = b^T * a^T: pass b first.
  cublasStatus_t sgemm_row_major(cublasHandle_t h, const float* a, const float* b, float* c,
                                 int n) {
    const float one = 1.0f, zero = 0.0f;
    return sgemm_(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b, n, a, n, &zero, c, n);
  }

 private:
  Cublas() {
    for (const char* name : {"libcublas.so.13", "libcublas.so"}) {
      lib_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (lib_) break;
    }
    if (!lib_) return;
    create_ = reinterpret_cast<CreateFn>(dlsym(lib_, "cublasCreate_v2"));
    set_stream_ = reinterpret_cast<SetStreamFn>(dlsym(lib_, "cublasSetStream_v2"));
    sgemm_ = reinterpret_cast<SgemmFn>(dlsym(lib_, "cublasSgemm_v2"));
  }

  void* lib_ = nullptr;
  CreateFn create_ = nullptr;
  SetStreamFn set_stream_ = nullptr;
  SgemmFn sgemm_ = nullptr;
};

constexpr int kTile = 16;

__global__ void matmul_tiled_kernel(const float* a, const float* b, float* c, int n) {
  __shared__ float ta[kTile][kTile];
  __shared__ float tb[kTile][kTile];
  const int row = blockIdx.y * kTile + threadIdx.y;
  const int col = blockIdx.x * kTile + threadIdx.x;
  float acc = 0.0f;
  for (int t = 0; t < n; t += kTile) {
    ta[threadIdx.y][threadIdx.x] =
        (row < n && t + threadIdx.x < n) ? a[row * n + t + threadIdx.x] : 0.0f;
    tb[threadIdx.y][threadIdx.x] =
        (col < n && t + threadIdx.y < n) ? b[(t + threadIdx.y) * n + col] : 0.0f;
    __syncthreads();
    for (int k = 0; k < kTile; ++k) acc += ta[threadIdx.y][k] * tb[k][threadIdx.x];
    __syncthreads();
  }
  if (row < n && col < n) c[row * n + col] = acc;
}

}  // namespace

Status matmul_cuda(const std::vector<float>& a, const std::vector<float>& b, std::size_t n,
                   std::vector<float>& c) {
  if (n == 0) {
    c.clear();
    return ok_status();
  }
  DeviceBuffer<float> d_a, d_b, d_c;
  USERSCALE_CUDA_TRY("upload", d_a.upload(a));
  USERSCALE_CUDA_TRY("upload", d_b.upload(b));
  USERSCALE_CUDA_TRY("allocate", d_c.allocate(n * n));
  const int ni = static_cast<int>(n);
  Cublas& blas = Cublas::instance();
  if (cublasHandle_t h = blas.thread_handle()) {
    const cublasStatus_t s = blas.sgemm_row_major(h, d_a.get(), d_b.get(), d_c.get(), ni);
    if (s != CUBLAS_STATUS_SUCCESS) {
      return Error{"cuda", "cublasSgemm failed with status " + std::to_string(static_cast<int>(s))};
    }
  } else {
    const dim3 block(kTile, kTile);
    const dim3 grid((ni + kTile - 1) / kTile, (ni + kTile - 1) / kTile);
    matmul_tiled_kernel<<<grid, block, 0, kStream>>>(d_a.get(), d_b.get(), d_c.get(), ni);
    USERSCALE_CUDA_TRY("launch", cudaGetLastError());
  }
  USERSCALE_CUDA_TRY("download", d_c.download(c));
  return ok_status();
}

}  // namespace userscale::server::kernels
