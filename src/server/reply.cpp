#include "server/reply.h"

#include <boost/beast/http/status.hpp>

namespace userscale::server {

void serialize_reply(const Reply& r, bool keep_alive, int retry_after_s, std::string& out) {
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status));
  out.clear();
  out.append("HTTP/1.1 ").append(std::to_string(r.status)).append(" ");
  out.append(reason.data(), reason.size());
  out.append("\r\nServer: userscale\r\nContent-Type: ").append(r.content_type);
  if (r.retry_after) out.append("\r\nRetry-After: ").append(std::to_string(retry_after_s));
  if (!r.allow.empty()) out.append("\r\nAllow: ").append(r.allow);
  // HTTP/1.1 keeps the connection by default: only its end is said, as Beast does.
  if (!keep_alive) out.append("\r\nConnection: close");
  out.append("\r\nContent-Length: ").append(std::to_string(r.body.size())).append("\r\n\r\n");
  out.append(r.body);
}

Reply json_reply(int status, const nlohmann::json& j) {
  Reply r;
  r.status = status;
  r.body = j.dump() + "\n";
  return r;
}

Reply ok_json(std::string body) {
  Reply r;
  r.body = std::move(body) + "\n";
  return r;
}

Reply error_reply(int status, const std::string& message) {
  return json_reply(status, {{"error", message}, {"status", status}});
}

}  // namespace userscale::server
