// One keep-alive HTTP/1.1 connection to an API server, plain or TLS (Boost.Beast over
// Boost.Asio SSL, OpenSSL), with a time limit on every read and write. TLS verifies the server's
// certificate against the configured CA and the host name (or IP); a client certificate and key
// are presented when configured. Watches read a chunked body line by line.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actuate/kube/timed_socket.h"
#include "core/result.h"
#include "metrics/http_client.h"

namespace userscale::actuate::kube {

struct TlsSettings {
  std::string ca_pem;  // the CA bundle that signs the server's certificate
  std::string client_cert_pem;
  std::string client_key_pem;
  bool insecure_skip_verify = false;
};

// The client side's TLS context. Errors name the part that is bad ("tls.ca", "tls.client").
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls(const TlsSettings& s);

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Failures are errors whose path says the kind: "connect", "tls", "timeout", "closed", "io".
class HttpConnection {
 public:
  // tls null: plain HTTP.
  static Result<std::unique_ptr<HttpConnection>> open(const std::string& host,
                                                      const std::string& port,
                                                      boost::asio::ssl::context* tls,
                                                      std::chrono::milliseconds timeout);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  Result<metrics::HttpResponse> exchange(const HttpRequest& req);
  // Sends the request; on a 200 answer hands every line of the (chunked) body to on_line until
  // it returns false, the server ends the body, or no byte comes for `idle`. Any other answer
  // is returned whole. The connection cannot be reused after a stream.
  Result<metrics::HttpResponse> stream_lines(const HttpRequest& req,
                                             const std::function<bool(std::string_view)>& on_line,
                                             std::chrono::milliseconds idle);
  // Wakes a read waiting on another thread; the call then fails with "closed".
  void interrupt();
  bool reusable() const { return reusable_; }

 private:
  HttpConnection() = default;
  template <class F>
  auto with_stream(F&& f);

  std::string host_;
  boost::asio::io_context io_;
  std::optional<TimedSocket> plain_;
  std::optional<boost::asio::ssl::stream<TimedSocket>> tls_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = true;
};

}  // namespace userscale::actuate::kube
