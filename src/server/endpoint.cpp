#include "server/endpoint.h"

namespace userscale::server {
namespace {

constexpr std::array<std::string_view, kEndpointCount> kNames = {
    "sort",  "convolve", "matrix", "gpu_job", "stream",
    "infer", "healthz",  "readyz", "metrics", "unknown"};

}  // namespace

std::string_view endpoint_name(Endpoint e) {
  return kNames[static_cast<std::size_t>(e)];
}

Endpoint endpoint_for_path(std::string_view path) {
  for (std::size_t i = 0; i + 1 < kNames.size(); ++i) {
    if (path.size() == kNames[i].size() + 1 && path[0] == '/' && path.substr(1) == kNames[i]) {
      return static_cast<Endpoint>(i);
    }
  }
  return Endpoint::Unknown;
}

bool is_workload(Endpoint e) {
  return e == Endpoint::Sort || e == Endpoint::Convolve || e == Endpoint::Matrix ||
         e == Endpoint::GpuJob || e == Endpoint::Stream || e == Endpoint::Infer;
}

}  // namespace userscale::server
