#include "server/session.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <variant>

#include "metrics/prometheus_writer.h"

namespace userscale::server {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

// A client has this long to take an answer (or a stream chunk) before the connection closes.
constexpr std::chrono::seconds kWriteTimeout{30};

// The work of a routed workload request, run on a worker once admitted.
Reply run_workload(const Workloads& w, const Route& route, const std::string& body) {
  switch (route.endpoint) {
    case Endpoint::Sort:
      return ok_json(w.sort(route.amount));
    case Endpoint::Convolve:
      return ok_json(w.convolve(route.amount));
    case Endpoint::Matrix:
      return ok_json(w.matrix(route.amount));
    case Endpoint::GpuJob:
      return ok_json(w.gpu_job(route.amount));
    case Endpoint::Infer: {
      auto out = w.infer(body);
      if (!out.ok()) return error_reply(400, out.error().to_string());
      return ok_json(*out);
    }
    default:
      return error_reply(404, "not found");
  }
}

}  // namespace

Session::Session(ServerState& st, net::ip::tcp::socket socket, std::function<void()> on_close)
    : st_(st),
      stream_(std::move(socket)),
      on_close_(std::move(on_close)),
      timer_(stream_.get_executor()) {
  boost::system::error_code ignored;
  stream_.socket().set_option(net::ip::tcp::no_delay(true), ignored);
  id_ = st_.connections.add(stream_.socket().native_handle());
}

Session::~Session() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  on_close_();
  st_.connections.remove(id_);
}

void Session::read_next() {
  // A draining server closes idle connections instead of waiting for their next request.
  if (!st_.connections.set_idle(id_, true)) return;
  parser_.emplace();
  parser_->body_limit(st_.options.max_body_bytes);
  parser_->header_limit(kMaxHeaderBytes);
  stream_.expires_after(std::chrono::milliseconds(st_.options.idle_timeout_ms));
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](boost::beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(boost::beast::error_code ec) {
  st_.connections.set_idle(id_, false);
  t0_ = clock_type::now();
  const std::string_view target(parser_->get().target().data(), parser_->get().target().size());
  endpoint_ = endpoint_for_path(target.substr(0, target.find('?')));
  keep_alive_ = false;
  if (ec == http::error::body_limit) {
    linger_ = true;
    send(error_reply(413,
                     "body larger than " + std::to_string(st_.options.max_body_bytes) + " bytes"));
    return;
  }
  if (ec == http::error::header_limit) {
    send(error_reply(431, "request header too large"));
    return;
  }
  if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    send(error_reply(400, "malformed request: " + ec.message()));
    return;
  }
  if (ec) return;  // the client left, or the idle timeout passed: the session ends
  keep_alive_ = parser_->get().keep_alive() && !st_.draining;
  dispatch();
}

void Session::dispatch() {
  const auto& req = parser_->get();
  auto routed =
      route_request(std::string_view(req.method_string().data(), req.method_string().size()),
                    std::string_view(req.target().data(), req.target().size()));
  if (const Refusal* no = std::get_if<Refusal>(&routed)) {
    Reply r = error_reply(no->status, no->message);
    r.allow = no->allow;
    send(std::move(r));
    return;
  }
  const Route& route = std::get<Route>(routed);
  switch (route.endpoint) {
    case Endpoint::Healthz: {
      static const std::string kOk = R"({"status":"ok"})"
                                     "\n";
      Reply r;
      r.body = kOk;
      send(std::move(r));
      return;
    }
    case Endpoint::Readyz:
      if (st_.draining) {
        send(json_reply(503, {{"ready", false}, {"reason", "draining"}}));
      } else if (!st_.ready) {
        send(json_reply(503, {{"ready", false}, {"reason", "warming up"}}));
      } else {
        send(json_reply(200, {{"ready", true}}));
      }
      return;
    case Endpoint::Metrics: {
      Reply r;
      r.content_type = std::string(metrics::kPrometheusContentType);
      r.body = st_.render_metrics();
      send(std::move(r));
      return;
    }
    default:
      break;
  }
  if (st_.draining) {
    Reply r = error_reply(503, "draining: this replica is shutting down");
    r.retry_after = true;
    r.close = true;
    send(std::move(r));
    return;
  }
  admit(route);
}

void Session::admit(const Route& route) {
  auto self = shared_from_this();
  Admission::Outcome outcome;
  if (route.endpoint == Endpoint::Stream) {
    outcome = st_.admission.enter([self, ms = route.amount] {
      net::post(self->stream_.get_executor(), [self, ms] { self->start_stream(ms); });
    });
  } else {
    outcome = st_.admission.enter([self, route] {
      net::post(self->st_.workers, [self, route] {
        Reply r = run_workload(self->st_.workloads, route, self->parser_->get().body());
        self->st_.admission.leave();
        net::post(self->stream_.get_executor(),
                  [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
      });
    });
  }
  if (outcome == Admission::Outcome::Rejected) {
    Reply r = error_reply(503, "overloaded: " + std::to_string(st_.admission.max_inflight()) +
                                   " in flight and " +
                                   std::to_string(st_.admission.queue_capacity()) + " queued");
    r.retry_after = true;
    send(std::move(r));
  }
}

void Session::send(Reply r) {
  if (r.close || st_.draining) keep_alive_ = false;
  // Counted before the answer goes out, so that a client holding its answer finds it in
  // /metrics (recorded after, a scrape right behind it could miss it).
  st_.metrics.record(endpoint_, r.status,
                     std::chrono::duration<double>(clock_type::now() - t0_).count());
  serialize_reply(r, keep_alive_, st_.options.retry_after_s, out_);
  stream_.expires_after(kWriteTimeout);
  net::async_write(
      stream_, net::buffer(out_),
      [self = shared_from_this()](boost::beast::error_code ec, std::size_t) { self->on_sent(ec); });
}

void Session::on_sent(boost::beast::error_code ec) {
  if (!ec && linger_) {
    discard_then_close();
    return;
  }
  if (ec || !keep_alive_) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  read_next();
}

// After refusing a body (413), reads and drops what the client still sends for a moment, so
// that closing does not reset the connection before the client has read the answer.
void Session::discard_then_close() {
  if (discard_.empty()) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    discard_.resize(16384);
    stream_.expires_after(std::chrono::seconds(2));
  }
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                            if (!ec) self->discard_then_close();
                          });
}

// A chunked stream: one JSON line every 100 ms for `duration_ms`, holding its execution slot.
void Session::start_stream(std::int64_t duration_ms) {
  stream_head_.emplace(http::status::ok, 11);
  stream_head_->set(http::field::server, "userscale");
  stream_head_->set(http::field::content_type, "application/x-ndjson");
  stream_head_->keep_alive(keep_alive_);
  stream_head_->chunked(true);
  stream_serializer_.emplace(*stream_head_);
  stream_t0_ = clock_type::now();
  stream_end_ = stream_t0_ + std::chrono::milliseconds(duration_ms);
  seq_ = 0;
  stream_.expires_after(kWriteTimeout);
  http::async_write_header(stream_, *stream_serializer_,
                           [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                             if (ec) {
                               self->end_stream(ec);
                               return;
                             }
                             self->stream_chunk();
                           });
}

void Session::stream_chunk() {
  const auto now = clock_type::now();
  const double elapsed = std::chrono::duration<double, std::milli>(now - stream_t0_).count();
  chunk_ = nlohmann::json{{"seq", seq_++}, {"elapsed_ms", elapsed}}.dump() + "\n";
  last_chunk_ = now >= stream_end_;
  stream_.expires_after(kWriteTimeout);
  net::async_write(
      stream_, http::make_chunk(net::buffer(chunk_)),
      [self = shared_from_this(), now](boost::beast::error_code ec, std::size_t) {
        if (ec) {
          self->end_stream(ec);
          return;
        }
        if (self->last_chunk_) {
          net::async_write(
              self->stream_, http::make_chunk_last(),
              [self](boost::beast::error_code ec2, std::size_t) { self->end_stream(ec2); });
          return;
        }
        self->timer_.expires_at(std::min(self->stream_end_, now + std::chrono::milliseconds(100)));
        self->timer_.async_wait([self](boost::beast::error_code ec2) {
          if (ec2) {
            self->end_stream(ec2);
            return;
          }
          self->stream_chunk();
        });
      });
}

void Session::end_stream(boost::beast::error_code ec) {
  st_.admission.leave();
  st_.metrics.record(endpoint_, 200,
                     std::chrono::duration<double>(clock_type::now() - t0_).count());
  stream_serializer_.reset();
  stream_head_.reset();
  if (ec || !keep_alive_) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    return;
  }
  read_next();
}

}  // namespace userscale::server
