// /infer on the GPU: the classifier's forward pass (classifier_cpu.h) in one block. The 8
// feature maps (32 KiB) and the pooled features (8 KiB) stay in shared memory; each warp
// reduces the dense layer for some classes; thread 0 applies the softmax.
#include "server/kernels/cuda_kernels.h"
#include "server/kernels/cuda_support.cuh"

namespace userscale::server::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kSide = kClassifierSide;
constexpr int kMaps = kClassifierChannels * kSide * kSide;

__global__ void classify_kernel(const float* input, const float* conv, const float* conv_bias,
                                const float* dense, const float* dense_bias, float* probs) {
  __shared__ float maps[kMaps];
  __shared__ float pooled[kClassifierFeatures];
  __shared__ float logits[kClassifierClasses];
  for (int i = threadIdx.x; i < kMaps; i += kThreads) {
    const int c = i / (kSide * kSide), y = (i / kSide) % kSide, x = i % kSide;
    float acc = conv_bias[c];
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int sy = y + dy, sx = x + dx;
        if (sy < 0 || sy >= kSide || sx < 0 || sx >= kSide) continue;
        acc += conv[c * 9 + (dy + 1) * 3 + (dx + 1)] * input[sy * kSide + sx];
      }
    }
    maps[i] = fmaxf(acc, 0.0f);
  }
  __syncthreads();
  constexpr int half = kClassifierPooled;
  for (int i = threadIdx.x; i < kClassifierFeatures; i += kThreads) {
    const int c = i / (half * half), y = (i / half) % half, x = i % half;
    const float* base = &maps[(c * kSide + 2 * y) * kSide + 2 * x];
    pooled[i] = fmaxf(fmaxf(base[0], base[1]), fmaxf(base[kSide], base[kSide + 1]));
  }
  __syncthreads();
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  for (int k = warp; k < kClassifierClasses; k += kThreads / 32) {
    float acc = 0.0f;
    const float* row = &dense[k * kClassifierFeatures];
    for (int f = lane; f < kClassifierFeatures; f += 32) acc += row[f] * pooled[f];
    for (int offset = 16; offset > 0; offset /= 2)
      acc += __shfl_down_sync(0xffffffffu, acc, offset);
    if (lane == 0) logits[k] = acc + dense_bias[k];
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float top = logits[0];
    for (int k = 1; k < kClassifierClasses; ++k) top = fmaxf(top, logits[k]);
    float sum = 0.0f;
    for (int k = 0; k < kClassifierClasses; ++k) sum += expf(logits[k] - top);
    for (int k = 0; k < kClassifierClasses; ++k) probs[k] = expf(logits[k] - top) / sum;
  }
}

}  // namespace

Result<std::vector<float>> classify_cuda(const ClassifierWeights& w,
                                         const std::vector<float>& input) {
  if (input.size() != static_cast<std::size_t>(kSide * kSide)) {
    return Error{"cuda", "classifier input must be 32x32"};
  }
  DeviceBuffer<float> d_input, d_conv, d_conv_bias, d_dense, d_dense_bias, d_probs;
  USERSCALE_CUDA_TRY("upload", d_input.upload(input));
  USERSCALE_CUDA_TRY("upload", d_conv.upload(w.conv));
  USERSCALE_CUDA_TRY("upload", d_conv_bias.upload(w.conv_bias));
  USERSCALE_CUDA_TRY("upload", d_dense.upload(w.dense));
  USERSCALE_CUDA_TRY("upload", d_dense_bias.upload(w.dense_bias));
  USERSCALE_CUDA_TRY("allocate", d_probs.allocate(kClassifierClasses));
  classify_kernel<<<1, kThreads, 0, kStream>>>(d_input.get(), d_conv.get(), d_conv_bias.get(),
                                               d_dense.get(), d_dense_bias.get(), d_probs.get());
  USERSCALE_CUDA_TRY("launch", cudaGetLastError());
  std::vector<float> probs;
  USERSCALE_CUDA_TRY("download", d_probs.download(probs));
  return probs;
}

}  // namespace userscale::server::kernels
