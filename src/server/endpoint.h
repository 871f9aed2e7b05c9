// The server's endpoints, by path; metrics are labelled by endpoint name, never by raw path,
// so that unknown paths cannot grow the label set.
#pragma once

#include <array>
#include <string_view>

namespace userscale::server {

enum class Endpoint {
  Sort,
  Convolve,
  Matrix,
  GpuJob,
  Stream,
  Infer,
  Healthz,
  Readyz,
  Metrics,
  Unknown,
};

inline constexpr std::size_t kEndpointCount = 10;

std::string_view endpoint_name(Endpoint e);
Endpoint endpoint_for_path(std::string_view path);
// Workloads take a slot from admission control; health, readiness and metrics never wait.
bool is_workload(Endpoint e);

}  // namespace userscale::server
