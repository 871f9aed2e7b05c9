#include "actuate/kube/http_connection.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <limits>

#include "metrics/http_message.h"

namespace userscale::actuate::kube {
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::asio::ip::tcp;

namespace {

// A watch or a long answer cut short, and a TLS peer closing without its close_notify, are the
// peer going away too.
Error io_error(const boost::system::error_code& ec, std::string_view during) {
  if (ec == http::error::partial_message || ec == ssl::error::stream_truncated) {
    return Error{"closed", std::string(during) + ": " + ec.message()};
  }
  return metrics::http_io_error(ec, during);
}

http::request<http::string_body> to_beast(const HttpRequest& r, const std::string& host) {
  http::request<http::string_body> req;
  req.method_string(r.method);
  req.target(r.target);
  req.version(11);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "userscale");
  req.set(http::field::accept, "application/json");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  req.keep_alive(true);
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    req.body() = r.body;
    if (!r.content_type.empty()) req.set(http::field::content_type, r.content_type);
    req.prepare_payload();
  }
  return req;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_client_tls(const TlsSettings& s) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (s.insecure_skip_verify) {
    ctx->set_verify_mode(ssl::verify_none, ec);
  } else {
    if (s.ca_pem.empty()) {
      ctx->set_default_verify_paths(ec);
      if (ec) return Error{"tls.ca", "no CA given and no system CA store: " + ec.message()};
    } else {
      ctx->add_certificate_authority(boost::asio::buffer(s.ca_pem), ec);
      if (ec) return Error{"tls.ca", "not a PEM certificate: " + ec.message()};
    }
    ctx->set_verify_mode(ssl::verify_peer, ec);
  }
  if (s.client_cert_pem.empty() != s.client_key_pem.empty()) {
    return Error{"tls.client", "a client certificate needs its key and a key its certificate"};
  }
  if (!s.client_cert_pem.empty()) {
    ctx->use_certificate_chain(boost::asio::buffer(s.client_cert_pem), ec);
    if (ec) return Error{"tls.client", "client certificate: " + ec.message()};
    ctx->use_private_key(boost::asio::buffer(s.client_key_pem), ssl::context::pem, ec);
    if (ec) return Error{"tls.client", "client key: " + ec.message()};
  }
  return ctx;
}

template <class F>
auto HttpConnection::with_stream(F&& f) {
  if (tls_) return f(*tls_);
  return f(*plain_);
}

Result<std::unique_ptr<HttpConnection>> HttpConnection::open(const std::string& host,
                                                             const std::string& port,
                                                             ssl::context* tls,
                                                             std::chrono::milliseconds timeout) {
  std::unique_ptr<HttpConnection> c(new HttpConnection());
  c->host_ = host;
  boost::system::error_code ec;
  tcp::resolver resolver(c->io_);
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return Error{"connect", "resolve " + host + ": " + ec.message()};
  tcp::socket socket(c->io_);
  boost::asio::connect(socket, endpoints, ec);
  if (ec) return Error{"connect", host + ":" + port + ": " + ec.message()};
  if (!tls) {
    c->plain_.emplace(std::move(socket), timeout);
    return c;
  }
  c->tls_.emplace(TimedSocket(std::move(socket), timeout), *tls);
  boost::asio::ip::make_address(host, ec);
  if (ec) SSL_set_tlsext_host_name(c->tls_->native_handle(), host.c_str());  // SNI: names only
  if (SSL_get_verify_mode(c->tls_->native_handle()) != SSL_VERIFY_NONE) {
    c->tls_->set_verify_callback(ssl::host_name_verification(host), ec);
  }
  c->tls_->handshake(ssl::stream_base::client, ec);
  if (ec) return Error{"tls", "handshake with " + host + ":" + port + ": " + ec.message()};
  return c;
}

HttpConnection::~HttpConnection() {
  boost::system::error_code ignored;
  if (tls_) tls_->next_layer().lowest_layer().close(ignored);
  if (plain_) plain_->lowest_layer().close(ignored);
}

void HttpConnection::interrupt() {
  if (tls_) tls_->next_layer().interrupt();
  if (plain_) plain_->interrupt();
}

Result<metrics::HttpResponse> HttpConnection::exchange(const HttpRequest& r) {
  return with_stream([&](auto& stream) -> Result<metrics::HttpResponse> {
    auto req = to_beast(r, host_);
    boost::system::error_code ec;
    http::write(stream, req, ec);
    if (ec) {
      reusable_ = false;
      return io_error(ec, "write");
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(256ull * 1024 * 1024);
    http::read(stream, buffer_, parser, ec);
    if (ec) {
      reusable_ = false;
      return io_error(ec, "read");
    }
    auto res = parser.release();
    metrics::HttpResponse out = metrics::http_response_head(res);
    out.body = std::move(res.body());
    if (!res.keep_alive()) reusable_ = false;
    return out;
  });
}

Result<metrics::HttpResponse> HttpConnection::stream_lines(
    const HttpRequest& r, const std::function<bool(std::string_view)>& on_line,
    std::chrono::milliseconds idle) {
  reusable_ = false;
  return with_stream([&](auto& stream) -> Result<metrics::HttpResponse> {
    auto req = to_beast(r, host_);
    boost::system::error_code ec;
    http::write(stream, req, ec);
    if (ec) return io_error(ec, "write");
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read_header(stream, buffer_, parser, ec);
    if (ec) return io_error(ec, "read");
    metrics::HttpResponse head = metrics::http_response_head(parser.get());
    if (head.status != 200) {
      http::read(stream, buffer_, parser, ec);
      if (ec) return io_error(ec, "read");
      head.body = std::move(parser.get().body());
      return head;
    }
    if (tls_) tls_->next_layer().set_timeout(idle);
    if (plain_) plain_->set_timeout(idle);
    std::string pending;
    bool go_on = true;
    auto consume = [&](std::string_view data) {
      pending.append(data);
      std::size_t start = 0;
      for (std::size_t nl; go_on && (nl = pending.find('\n', start)) != std::string::npos;
           start = nl + 1) {
        std::string_view line(pending.data() + start, nl - start);
        if (!line.empty()) go_on = on_line(line);
      }
      pending.erase(0, start);
    };
    auto on_chunk = [&](std::uint64_t, boost::beast::string_view body,
                        boost::system::error_code&) -> std::size_t {
      consume(std::string_view(body.data(), body.size()));
      return body.size();
    };
    parser.on_chunk_body(on_chunk);
    while (go_on && !parser.is_done()) {
      http::read_some(stream, buffer_, parser, ec);
      if (ec) return io_error(ec, "watch");
      if (!parser.chunked()) {  // a body delimited by its length or by the end of the stream
        consume(parser.get().body());
        parser.get().body().clear();
      }
    }
    return head;
  });
}

}  // namespace userscale::actuate::kube
