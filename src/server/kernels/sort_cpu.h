// Sorting: the CPU twin of the GPU's CUB radix sort, an LSD radix sort on float keys.
#pragma once

#include <vector>

namespace userscale::server::kernels {

// Sorts ascending; -0.0 before +0.0; NaNs are not expected.
void radix_sort_cpu(std::vector<float>& values);

}  // namespace userscale::server::kernels
