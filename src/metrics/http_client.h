// A small synchronous HTTP/1.1 client (Boost.Beast) on one keep-alive connection, with a time
// limit per read and write. Used to scrape /metrics, by the load generator, and by tests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace userscale::metrics {

struct Url {
  std::string host;
  std::string port;    // "80" when the URL names none
  std::string target;  // path and query, "/" at least
};

// `http://host[:port][/path][?query]`; https is not supported.
Result<Url> parse_url(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case

  std::optional<std::string> header(const std::string& lower_name) const;
};

// Failures are errors whose path says the kind: "connect", "timeout", "closed" or "io".
class HttpClient {
 public:
  HttpClient(std::string host, std::string port,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  Result<HttpResponse> request(std::string_view method, std::string_view target,
                               std::string_view body = {}, std::string_view content_type = {});
  Result<HttpResponse> get(std::string_view target) { return request("GET", target); }
  void close();
  bool connected() const { return socket_.has_value(); }

 private:
  Status connect();
  Result<HttpResponse> exchange(std::string_view method, std::string_view target,
                                std::string_view body, std::string_view content_type);

  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::optional<boost::asio::ip::tcp::socket> socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace userscale::metrics
