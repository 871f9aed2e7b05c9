#include "controller/status_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>

#include "metrics/prometheus_writer.h"

namespace userscale::controller {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::uint64_t after_param(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return 0;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    if (kv.rfind("after=", 0) == 0) {
      std::uint64_t v = 0;
      std::from_chars(kv.data() + 6, kv.data() + kv.size(), v);
      return v;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return 0;
}

http::response<http::string_body> answer(const Controller& c,
                                         const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  auto reply = [&](int status, std::string_view type, std::string body) {
    res.result(static_cast<http::status>(status));
    res.set(http::field::content_type, beast::string_view(type.data(), type.size()));
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  };
  if (req.method() != http::verb::get) return reply(405, "text/plain", "use GET\n");
  if (path == "/healthz") return reply(200, "text/plain", "ok");
  if (path == "/metrics") return reply(200, metrics::kPrometheusContentType, c.metrics_text());
  if (path == "/api/v1/snapshot") {
    return reply(200, "application/json", c.snapshot_json().dump() + "\n");
  }
  if (path == "/api/v1/decisions") {
    return reply(200, "application/json", c.decisions_json(after_param(target)).dump() + "\n");
  }
  return reply(404, "text/plain", "not found\n");
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Controller& c) : stream_(std::move(socket)), c_(c) {}
  void start() { read(); }

 private:
  void read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->res_ = answer(self->c_, self->req_);
                       self->write();
                     });
  }
  void write() {
    http::async_write(stream_, res_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->res_.keep_alive()) return self->close();
                        self->read();
                      });
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  const Controller& c_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

}  // namespace

struct StatusServer::Impl {
  explicit Impl(const Controller& c) : controller(c), acceptor(io), retry(io) {}
  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // One accept failed (out of file descriptors, say): the endpoint must outlive it, and
        // asking again at once would fail the same way. Try again shortly.
        retry.expires_after(std::chrono::milliseconds(50));
        retry.async_wait([this](beast::error_code wait) {
          if (!wait && acceptor.is_open()) accept();
        });
        return;
      }
      std::make_shared<Session>(std::move(s), controller)->start();
      accept();
    });
  }
  const Controller& controller;
  net::io_context io;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  int port = 0;
  std::thread thread;
};

StatusServer::StatusServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<StatusServer>> StatusServer::start(const Controller& controller,
                                                          const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Error{"--listen", "expected HOST:PORT, got " + listen};
  const std::string host = listen.substr(0, colon);
  int port = 0;
  const auto [p, ec] =
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  if (ec != std::errc() || p != listen.data() + listen.size() || port < 0 || port > 65535) {
    return Error{"--listen", "bad port in " + listen};
  }
  auto impl = std::make_unique<Impl>(controller);
  beast::error_code err;
  const auto address = net::ip::make_address(host, err);
  if (err) return Error{"--listen", "bad address " + host + ": " + err.message()};
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), err);
  if (!err) impl->acceptor.set_option(net::socket_base::reuse_address(true), err);
  if (!err) impl->acceptor.bind(endpoint, err);
  if (!err) impl->acceptor.listen(net::socket_base::max_listen_connections, err);
  if (err) return Error{"--listen", "cannot listen on " + listen + ": " + err.message()};
  impl->port = impl->acceptor.local_endpoint().port();
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<StatusServer>(new StatusServer(std::move(impl)));
}

int StatusServer::port() const {
  return impl_->port;
}

void StatusServer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
}

StatusServer::~StatusServer() {
  stop();
}

}  // namespace userscale::controller
