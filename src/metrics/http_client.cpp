#include "metrics/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

#include "metrics/fd_stream.h"
#include "metrics/http_message.h"

namespace userscale::metrics {
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Error{"url", "expected http://HOST[:PORT][/PATH], got \"" + std::string(url) + "\""};
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  Url out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') out.target = "/" + out.target;
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
    out.port = "80";
  }
  if (out.host.empty()) return Error{"url", "no host in \"" + std::string(url) + "\""};
  if (out.port.empty()) return Error{"url", "empty port in \"" + std::string(url) + "\""};
  for (char c : out.port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Error{"url", "port \"" + out.port + "\" is not a number"};
    }
  }
  return out;
}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpClient::HttpClient(std::string host, std::string port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(std::move(port)), timeout_(timeout) {}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (socket_) {
    boost::system::error_code ignored;
    socket_->close(ignored);
    socket_.reset();
  }
  buffer_.clear();
}

Status HttpClient::connect() {
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) return Error{"connect", "resolve " + host_ + ": " + ec.message()};
  tcp::socket socket(io_);
  boost::asio::connect(socket, endpoints, ec);
  if (ec) return Error{"connect", host_ + ":" + port_ + ": " + ec.message()};
  prepare_socket(socket.native_handle());
  socket_.emplace(std::move(socket));
  buffer_.clear();
  return ok_status();
}

Result<HttpResponse> HttpClient::exchange(std::string_view method, std::string_view target,
                                          std::string_view body, std::string_view content_type) {
  FdStream stream(socket_->native_handle(), timeout_);
  http::request<http::string_body> req;
  req.method_string(boost::beast::string_view(method.data(), method.size()));
  req.target(boost::beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, host_);
  req.keep_alive(true);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = std::string(body);
    if (!content_type.empty()) {
      req.set(http::field::content_type,
              boost::beast::string_view(content_type.data(), content_type.size()));
    }
    req.prepare_payload();
  }
  boost::system::error_code ec;
  http::write(stream, req, ec);
  if (ec) return http_io_error(ec, "write");
  http::response_parser<http::string_body> parser;
  parser.body_limit(256ull * 1024 * 1024);
  http::read(stream, buffer_, parser, ec);
  if (ec) return http_io_error(ec, "read");
  auto res = parser.release();
  HttpResponse out = http_response_head(res);
  out.body = std::move(res.body());
  if (!res.keep_alive()) close();
  return out;
}

Result<HttpResponse> HttpClient::request(std::string_view method, std::string_view target,
                                         std::string_view body, std::string_view content_type) {
  const bool reused = socket_.has_value();
  if (!reused) {
    Status st = connect();
    if (!st.ok()) return st.error();
  }
  auto result = exchange(method, target, body, content_type);
  if (!result.ok()) {
    close();
    // A kept-alive connection the server has closed in the meantime fails at once; retry on a
    // fresh one. A fresh connection's failure is the answer.
    if (reused && result.error().path == "closed") {
      Status st = connect();
      if (!st.ok()) return st.error();
      result = exchange(method, target, body, content_type);
      if (!result.ok()) close();
    }
  }
  return result;
}

}  // namespace userscale::metrics
