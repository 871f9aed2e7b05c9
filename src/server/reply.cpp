#include "server/reply.h"

namespace userscale::server {

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
