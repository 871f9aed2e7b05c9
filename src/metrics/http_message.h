// What every HTTP client of userscale (plain to loopback, TLS to the Kubernetes API) does the
// same way with Beast: the kind of a failed exchange, and a response head as an HttpResponse.
#pragma once

#include <boost/beast/http.hpp>
#include <cctype>
#include <string>
#include <string_view>

#include "core/result.h"
#include "metrics/http_client.h"

namespace userscale::metrics {

// "timeout", "closed" (the peer went away) or "io", with what was being done: the error path
// HttpClient documents.
inline Error http_io_error(const boost::system::error_code& ec, std::string_view during) {
  namespace http = boost::beast::http;
  std::string kind = "io";
  if (ec == boost::asio::error::timed_out) {
    kind = "timeout";
  } else if (ec == boost::asio::error::eof || ec == http::error::end_of_stream ||
             ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe) {
    kind = "closed";
  }
  return Error{kind, std::string(during) + ": " + ec.message()};
}

// The status and the headers (names in lower case) of a Beast response or response head.
template <class Message>
HttpResponse http_response_head(const Message& res) {
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string().data(), field.name_string().size());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

}  // namespace userscale::metrics
