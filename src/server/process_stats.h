// This process's CPU time and resident memory, for /metrics.
#pragma once

namespace userscale::server {

double process_cpu_seconds();
double process_resident_bytes();  // 0 when /proc is not available

}  // namespace userscale::server
