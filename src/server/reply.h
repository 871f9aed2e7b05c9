// A response before it is written: status, body and the few headers serve sets, or a chunked
// stream of a given length instead of a body.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace userscale::server {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool close = false;           // close the connection after it
  bool retry_after = false;     // add Retry-After (503s)
  std::string allow;            // the Allow header of a 405
  std::int64_t stream_ms = -1;  // >= 0: a chunked stream of this length instead of `body`
};

Reply json_reply(int status, const nlohmann::json& j);
Reply ok_json(std::string body);
Reply error_reply(int status, const std::string& message);

}  // namespace userscale::server
