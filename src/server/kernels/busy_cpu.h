// The timed busy job: the CPU twin of the GPU's spin kernel. Keeps one core busy with
// arithmetic for `work_ms` of wall time.
#pragma once

#include <cstdint>

namespace userscale::server::kernels {

struct BusyResult {
  std::uint64_t iterations = 0;
  double value = 0.0;  // the arithmetic's result, so that the compiler cannot drop the loop
};

BusyResult busy_cpu(double work_ms);

}  // namespace userscale::server::kernels
