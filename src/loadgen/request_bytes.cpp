#include "loadgen/request_bytes.h"

namespace userscale::loadgen {

std::string request_bytes(const RequestSpec& spec, const std::string& host) {
  std::string out;
  out.reserve(128 + spec.target.size() + spec.body.size());
  out += spec.method;
  out += ' ';
  out += spec.target;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nConnection: keep-alive\r\n";
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT") {
    if (!spec.content_type.empty()) {
      out += "Content-Type: ";
      out += spec.content_type;
      out += "\r\n";
    }
    out += "Content-Length: ";
    out += std::to_string(spec.body.size());
    out += "\r\n\r\n";
    out += spec.body;
  } else {
    out += "\r\n";
  }
  return out;
}

}  // namespace userscale::loadgen
