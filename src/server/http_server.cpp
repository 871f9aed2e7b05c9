#include "server/http_server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <unistd.h>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <variant>

#include "metrics/fd_stream.h"
#include "metrics/nvml.h"
#include "metrics/prometheus_writer.h"
#include "server/admission.h"
#include "server/connection_table.h"
#include "server/endpoint.h"
#include "server/process_stats.h"
#include "server/query.h"
#include "server/request_route.h"
#include "server/server_metrics.h"
#include "server/workloads.h"

namespace userscale::server {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

class Log {
 public:
  explicit Log(std::ostream& os) : os_(os) {}
  void line(const std::string& s) {
    std::lock_guard lock(mu_);
    os_ << "userscale serve: " << s << std::endl;
  }

 private:
  std::ostream& os_;
  std::mutex mu_;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool close = false;
  bool retry_after = false;
  std::string allow;
  std::int64_t stream_ms = -1;  // >= 0: a chunked stream of this length instead of `body`
};

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

struct ServerState {
  ServerState(const ServeOptions& o, Workloads w, Log& l)
      : options(o), admission(o.max_inflight, o.queue), workloads(std::move(w)), log(l) {}

  const ServeOptions& options;
  Admission admission;
  ServerMetrics metrics;
  Workloads workloads;
  ConnectionTable connections;
  Log& log;
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};
  std::unique_ptr<metrics::Nvml> nvml;
  std::mutex nvml_mu;
  std::uint64_t nvml_errors = 0;  // failed samples (under nvml_mu)
  std::string nvml_last_error;    // "" while NVML answers (under nvml_mu)
  double start_time_seconds = 0.0;

  std::string render_metrics() {
    ServerMetrics::Gauges g;
    g.in_flight = admission.running();
    g.queued = admission.waiting();
    g.max_inflight = admission.max_inflight();
    g.queue_capacity = admission.queue_capacity();
    g.ready = ready.load();
    g.draining = draining.load();
    g.device = std::string(device_name(workloads.device()));
    g.cuda_built = cuda_built();
    g.process_cpu_seconds = process_cpu_seconds();
    g.resident_memory_bytes = process_resident_bytes();
    g.start_time_seconds = start_time_seconds;
    if (nvml) {
      std::lock_guard lock(nvml_mu);
      auto s = nvml->sample();
      g.nvml_available = s.ok();
      if (s.ok()) {
        g.gpus = std::move(s).value();
        if (!nvml_last_error.empty()) log.line("NVML answers again: GPU metrics exported");
        nvml_last_error.clear();
      } else {
        // Logged when it starts (or changes), not on every scrape.
        ++nvml_errors;
        if (s.error().message != nvml_last_error) {
          log.line("NVML sample failed (" + s.error().message +
                   "): no GPU metrics until it answers; serving continues");
        }
        nvml_last_error = s.error().message;
      }
      g.nvml_errors = nvml_errors;
    }
    return metrics.render(g);
  }
};

// The work of a routed workload request, run once admitted.
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
    case Endpoint::Stream: {
      Reply r;
      r.content_type = "application/x-ndjson";
      r.stream_ms = route.amount;
      return r;
    }
    case Endpoint::Infer: {
      auto out = w.infer(body);
      if (!out.ok()) return error_reply(400, out.error().to_string());
      return ok_json(*out);
    }
    default:
      return error_reply(404, "not found");
  }
}

// A response with a body; returns false when the connection failed.
bool write_reply(metrics::FdStream& stream, const Reply& r, bool keep_alive, int retry_after_s) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
  res.set(http::field::server, "userscale");
  res.set(http::field::content_type, r.content_type);
  if (r.retry_after) res.set(http::field::retry_after, std::to_string(retry_after_s));
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  boost::system::error_code ec;
  http::write(stream, res, ec);
  return !ec;
}

// A chunked stream: one JSON line every 100 ms for `duration_ms`.
bool write_stream(metrics::FdStream& stream, std::int64_t duration_ms, bool keep_alive) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::server, "userscale");
  res.set(http::field::content_type, "application/x-ndjson");
  res.keep_alive(keep_alive);
  res.chunked(true);
  http::response_serializer<http::empty_body> sr{res};
  boost::system::error_code ec;
  http::write_header(stream, sr, ec);
  if (ec) return false;
  const auto t0 = clock_type::now();
  const auto end = t0 + std::chrono::milliseconds(duration_ms);
  for (int seq = 0;; ++seq) {
    const auto now = clock_type::now();
    const double elapsed = std::chrono::duration<double, std::milli>(now - t0).count();
    const std::string line = nlohmann::json{{"seq", seq}, {"elapsed_ms", elapsed}}.dump() + "\n";
    net::write(stream, http::make_chunk(net::buffer(line)), ec);
    if (ec) return false;
    if (now >= end) break;
    std::this_thread::sleep_until(std::min(end, now + std::chrono::milliseconds(100)));
  }
  net::write(stream, http::make_chunk_last(), ec);
  return !ec;
}

// After refusing a body (413), reads and drops what the client still sends for a moment, so
// that closing does not reset the connection before the client has read the answer.
void linger_close(int fd) {
  ::shutdown(fd, SHUT_WR);
  metrics::FdStream stream(fd, std::chrono::milliseconds(500));
  char buf[16384];
  std::size_t total = 0;
  boost::system::error_code ec;
  const auto deadline = clock_type::now() + std::chrono::seconds(2);
  while (total < (64u << 20) && clock_type::now() < deadline) {
    const std::size_t n = stream.read_some(net::buffer(buf), ec);
    if (ec) break;
    total += n;
  }
}

Reply handle(ServerState& st, const http::request<http::string_body>& req,
             metrics::FdStream& stream, bool keep_alive, bool& wrote) {
  auto routed =
      route_request(std::string_view(req.method_string().data(), req.method_string().size()),
                    std::string_view(req.target().data(), req.target().size()));
  if (const Refusal* no = std::get_if<Refusal>(&routed)) {
    Reply r = error_reply(no->status, no->message);
    r.allow = no->allow;
    return r;
  }
  const Route& route = std::get<Route>(routed);
  switch (route.endpoint) {
    case Endpoint::Healthz:
      return json_reply(200, {{"status", "ok"}});
    case Endpoint::Readyz: {
      if (st.draining) return json_reply(503, {{"ready", false}, {"reason", "draining"}});
      if (!st.ready) return json_reply(503, {{"ready", false}, {"reason", "warming up"}});
      return json_reply(200, {{"ready", true}});
    }
    case Endpoint::Metrics: {
      Reply r;
      r.content_type = std::string(metrics::kPrometheusContentType);
      r.body = st.render_metrics();
      return r;
    }
    default:
      break;
  }
  if (st.draining) {
    Reply r = error_reply(503, "draining: this replica is shutting down");
    r.retry_after = true;
    r.close = true;
    return r;
  }
  if (!st.admission.enter()) {
    Reply r = error_reply(503, "overloaded: " + std::to_string(st.admission.max_inflight()) +
                                   " in flight and " +
                                   std::to_string(st.admission.queue_capacity()) + " queued");
    r.retry_after = true;
    return r;
  }
  AdmissionSlot slot(st.admission);
  Reply r = run_workload(st.workloads, route, req.body());
  if (r.stream_ms >= 0) {
    wrote = true;
    if (!write_stream(stream, r.stream_ms, keep_alive)) r.close = true;
  }
  return r;
}

void serve_connection(ServerState& st, tcp::socket socket) {
  const int fd = socket.native_handle();
  metrics::prepare_socket(fd);
  const std::uint64_t id = st.connections.add(fd);
  metrics::FdStream stream(fd, std::chrono::milliseconds(st.options.idle_timeout_ms));
  boost::beast::flat_buffer buffer;
  for (;;) {
    if (!st.connections.set_idle(id, true)) break;
    http::request_parser<http::string_body> parser;
    parser.body_limit(st.options.max_body_bytes);
    parser.header_limit(kMaxHeaderBytes);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    st.connections.set_idle(id, false);
    const auto t0 = clock_type::now();
    if (ec == http::error::body_limit) {
      Reply r = error_reply(
          413, "body larger than " + std::to_string(st.options.max_body_bytes) + " bytes");
      const std::string_view target(parser.get().target().data(), parser.get().target().size());
      st.metrics.record(endpoint_for_path(target.substr(0, target.find('?'))), 413,
                        std::chrono::duration<double>(clock_type::now() - t0).count());
      write_reply(stream, r, false, st.options.retry_after_s);
      linger_close(fd);
      break;
    }
    if (ec == http::error::header_limit) {
      write_reply(stream, error_reply(431, "request header too large"), false, 1);
      break;
    }
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      write_reply(stream, error_reply(400, "malformed request: " + ec.message()), false, 1);
      break;
    }
    if (ec) break;  // the client left, or the idle timeout passed
    const auto& req = parser.get();
    const std::string_view target(req.target().data(), req.target().size());
    const Endpoint e = endpoint_for_path(target.substr(0, target.find('?')));
    bool keep_alive = req.keep_alive() && !st.draining;
    bool wrote = false;
    Reply r = handle(st, req, stream, keep_alive, wrote);
    if (r.close) keep_alive = false;
    // Counted before the answer goes out, so that a client holding its answer finds it in
    // /metrics (recorded after, a scrape right behind it could miss it; the serve tests did).
    st.metrics.record(e, r.status, std::chrono::duration<double>(clock_type::now() - t0).count());
    bool ok = true;
    if (!wrote) ok = write_reply(stream, r, keep_alive, st.options.retry_after_s);
    if (!ok || !keep_alive || r.close) break;
  }
  st.connections.remove(id);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

class Acceptor {
 public:
  Acceptor(ServerState& st, tcp::acceptor& acc) : st_(st), acc_(acc) {}
  void start() {
    acc_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acc_.is_open()) return;
      if (!ec) {
        std::thread([st = &st_, s = std::move(socket)]() mutable {
          serve_connection(*st, std::move(s));
        }).detach();
      }
      start();
    });
  }

 private:
  ServerState& st_;
  tcp::acceptor& acc_;
};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int run_server(const ServeOptions& o, std::ostream& out, std::ostream& log_stream) {
  Log log(log_stream);
  std::signal(SIGPIPE, SIG_IGN);
  if (o.max_inflight < 1 || o.queue < 0) {
    log.line("--max-inflight must be at least 1 and --queue at least 0");
    return 2;
  }
  auto device = choose_device(o.device);
  if (!device.ok()) {
    log.line(device.error().to_string());
    return 2;
  }
  kernels::ClassifierWeights weights;
  if (!o.model_path.empty()) {
    auto loaded = kernels::load_classifier_weights(o.model_path);
    if (!loaded.ok()) {
      log.line(loaded.error().to_string());
      return 2;
    }
    weights = std::move(loaded).value();
  } else {
    weights = kernels::make_classifier_weights(o.model_seed);
  }

  ServerState st(o, Workloads(device->device, std::move(weights)), log);
  st.start_time_seconds = unix_now();
  log.line(std::string("device ") + std::string(device_name(device->device)) + ": " +
           device->reason);
  auto nvml = metrics::Nvml::load();
  if (nvml.ok()) {
    st.nvml = std::move(nvml).value();
    log.line("NVML loaded: GPU utilization and memory are exported");
  } else {
    log.line("NVML unavailable (" + nvml.error().message + "): no GPU metrics");
  }

  net::io_context io;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(o.bind, ec);
  if (ec) {
    log.line("--bind " + o.bind + ": " + ec.message());
    return 2;
  }
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    log.line("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + ec.message());
    return 1;
  }
  const auto bound = acceptor.local_endpoint();

  // Warm-up: run every workload once and wait out --warmup-ms, then turn ready.
  std::mutex warm_mu;
  std::condition_variable warm_cv;
  bool stop_warmup = false;
  std::thread warmup([&] {
    const auto t0 = clock_type::now();
    st.workloads.warm_up();
    std::unique_lock lock(warm_mu);
    warm_cv.wait_until(lock, t0 + std::chrono::milliseconds(o.warmup_ms),
                       [&] { return stop_warmup; });
    if (!stop_warmup && !st.draining) {
      st.ready = true;
      log.line("ready");
    }
  });

  Acceptor accept_loop(st, acceptor);
  accept_loop.start();
  out << "userscale serve: listening on http://" << bound.address().to_string() << ":"
      << bound.port() << std::endl;

  int exit_code = 0;
  net::signal_set signals(io, SIGTERM, SIGINT);
  net::steady_timer drain_timer(io);
  clock_type::time_point drain_deadline;
  std::function<void()> poll_drain = [&] {
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([&](boost::system::error_code tec) {
      if (tec) return;
      const bool idle = st.admission.running() == 0 && st.admission.waiting() == 0;
      if (!idle && clock_type::now() < drain_deadline) {
        poll_drain();
        return;
      }
      if (!idle) {
        log.line("drain timeout: " + std::to_string(st.admission.running()) +
                 " request(s) still running");
        exit_code = 1;
      } else {
        log.line("drained: no request in flight");
      }
      boost::system::error_code ignored;
      acceptor.close(ignored);
      io.stop();
    });
  };
  signals.async_wait([&](boost::system::error_code sec, int signo) {
    if (sec) return;
    st.draining = true;
    st.ready = false;
    log.line(std::string("received ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT") +
             ": not ready; finishing " + std::to_string(st.admission.running()) + " running and " +
             std::to_string(st.admission.waiting()) + " queued request(s)");
    drain_deadline = clock_type::now() + std::chrono::milliseconds(o.drain_timeout_ms);
    poll_drain();
  });
  io.run();

  {
    std::lock_guard lock(warm_mu);
    stop_warmup = true;
  }
  warm_cv.notify_all();
  warmup.join();
  st.connections.stop();
  if (!st.connections.wait_empty(std::chrono::seconds(5)) || exit_code != 0) {
    // Connection threads still use the state; leave without destroying it.
    log.line("exiting with connections still open");
    std::cout.flush();
    std::_Exit(exit_code == 0 ? 1 : exit_code);
  }
  log.line("bye");
  return exit_code;
}

}  // namespace userscale::server
