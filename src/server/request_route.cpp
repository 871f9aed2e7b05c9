#include "server/request_route.h"

#include "server/workloads.h"

namespace userscale::server {
namespace {

// The integer parameter of each workload: name, bounds and default.
struct ParamSpec {
  const char* name;
  std::int64_t lo;
  std::int64_t hi;
  std::int64_t fallback;
};

const ParamSpec* param_of(Endpoint e) {
  static const ParamSpec kSort{"size", 1, kMaxSortSize, 1'000'000};
  static const ParamSpec kConvolve{"size", 1, kMaxConvolveSize, 512};
  static const ParamSpec kMatrix{"size", 1, kMaxMatrixSize, 256};
  static const ParamSpec kGpuJob{"work_ms", 0, kMaxWorkMs, 100};
  static const ParamSpec kStream{"duration_ms", 0, kMaxStreamMs, 1000};
  switch (e) {
    case Endpoint::Sort:
      return &kSort;
    case Endpoint::Convolve:
      return &kConvolve;
    case Endpoint::Matrix:
      return &kMatrix;
    case Endpoint::GpuJob:
      return &kGpuJob;
    case Endpoint::Stream:
      return &kStream;
    default:
      return nullptr;
  }
}

}  // namespace

std::variant<Route, Refusal> route_request(std::string_view method, std::string_view target) {
  Route route;
  route.target = parse_target(target);
  // The raw path, as the request metrics label it; the message shows the decoded one.
  route.endpoint = endpoint_for_path(target.substr(0, target.find('?')));
  if (route.endpoint == Endpoint::Unknown) {
    return Refusal{404, "no endpoint " + route.target.path, ""};
  }
  const bool wants_post = route.endpoint == Endpoint::Infer;
  const char* allowed = wants_post ? "POST" : "GET";
  if (method != allowed) return Refusal{405, std::string("use ") + allowed, allowed};
  if (const ParamSpec* p = param_of(route.endpoint)) {
    auto value = int_param(route.target, p->name, p->lo, p->hi, p->fallback);
    if (!value.ok()) return Refusal{400, value.error().to_string(), ""};
    route.amount = *value;
  }
  return route;
}

}  // namespace userscale::server
