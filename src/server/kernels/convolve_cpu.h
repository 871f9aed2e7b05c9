// 2-D convolution: the CPU twin of the GPU kernel. Row-major single-channel images; zero
// padding; output the same size as the input ("same" convolution, kernel centred).
#pragma once

#include <cstddef>
#include <vector>

namespace userscale::server::kernels {

// `kernel` is k x k with k odd. True convolution: the kernel is flipped.
void convolve2d_cpu(const std::vector<float>& image, std::size_t width, std::size_t height,
                    const std::vector<float>& kernel, std::size_t k, std::vector<float>& out);

// The normalized 5 x 5 binomial (Gaussian-like) blur the /convolve endpoint applies.
std::vector<float> blur_kernel_5x5();

}  // namespace userscale::server::kernels
