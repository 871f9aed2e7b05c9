#include "server/kernels/busy_cpu.h"

#include <chrono>
#include <cmath>

namespace userscale::server::kernels {

BusyResult busy_cpu(double work_ms) {
  using clock = std::chrono::steady_clock;
  const auto end = clock::now() + std::chrono::duration<double, std::milli>(work_ms);
  BusyResult r;
  double x = 1.0;
  do {
    for (int i = 0; i < 1000; ++i) x = std::fma(x, 1.0000001, 1e-9);
    ++r.iterations;
  } while (clock::now() < end);
  r.value = x;
  return r;
}

}  // namespace userscale::server::kernels
