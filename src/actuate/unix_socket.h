// One request-response exchange over a Unix stream socket (HAProxy's runtime API): write the
// command, read until the peer closes, within a time limit.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace userscale::actuate {

Result<std::string> unix_exchange(const std::filesystem::path& socket, const std::string& request,
                                  std::chrono::milliseconds timeout);

}  // namespace userscale::actuate
