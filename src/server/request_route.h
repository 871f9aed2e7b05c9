// What serve makes of a request before any work runs: the endpoint, the method it takes and its
// one bounded integer parameter, or the refusal (404, 405 or 400) with its message. Pure (no
// socket, no server state), so that the request path up to the workload is fuzzed as it runs
// (tests/fuzz/serve_http).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "server/endpoint.h"
#include "server/query.h"

namespace userscale::server {

// The most bytes of request line and headers serve reads; more gets 431.
inline constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

struct Route {
  Endpoint endpoint = Endpoint::Unknown;
  Target target;
  std::int64_t amount = 0;  // size, work_ms or duration_ms; 0 for endpoints without one
};

struct Refusal {
  int status = 400;
  std::string message;
  std::string allow;  // the Allow header of a 405
};

std::variant<Route, Refusal> route_request(std::string_view method, std::string_view target);

}  // namespace userscale::server
