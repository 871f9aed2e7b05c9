// Matrix multiply: the CPU twin of the GPU's cuBLAS SGEMM. Row-major n x n matrices.
#pragma once

#include <cstddef>
#include <vector>

namespace userscale::server::kernels {

// c = a * b for row-major n x n matrices; `c` is resized.
void matmul_cpu(const std::vector<float>& a, const std::vector<float>& b, std::size_t n,
                std::vector<float>& c);

}  // namespace userscale::server::kernels
