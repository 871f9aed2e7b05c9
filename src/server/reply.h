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
// The reply as HTTP/1.1 bytes (status line, headers, body) into `out`, which keeps its capacity
// from one reply to the next. Written by hand rather than through Beast's serializer, whose
// buffer sequences cost about half of serve's CPU per small request; not for a `stream_ms` reply.
void serialize_reply(const Reply& r, bool keep_alive, int retry_after_s, std::string& out);
Reply ok_json(std::string body);
Reply error_reply(int status, const std::string& message);

}  // namespace userscale::server
