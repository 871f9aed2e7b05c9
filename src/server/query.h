// Splits a request target into path and query parameters, and reads bounded integer
// parameters with messages fit for a 400 response.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace userscale::server {

struct Target {
  std::string path;
  std::map<std::string, std::string> params;  // percent-decoded; the last of repeated keys
};

Target parse_target(std::string_view target);

// The integer parameter `name` in [lo, hi], or `fallback` when absent. Errors read like
// `size: "abc" is not an integer` or `size: 0 is outside [1, 10000000]`.
Result<std::int64_t> int_param(const Target& t, const std::string& name, std::int64_t lo,
                               std::int64_t hi, std::int64_t fallback);

}  // namespace userscale::server
