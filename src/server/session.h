// One client connection on the Asio loop: reads requests (keep-alive), answers health,
// readiness and metrics on the I/O thread, and hands workloads through admission control to
// the worker pool, writing their answers when they finish. All of a session's handlers run on
// its strand; the session lives as long as an operation holds it (shared_ptr).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/endpoint.h"
#include "server/reply.h"
#include "server/request_route.h"
#include "server/server_state.h"

namespace userscale::server {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `on_close` runs once the socket is closed, before the connection leaves the table.
  Session(ServerState& st, boost::asio::ip::tcp::socket socket, std::function<void()> on_close);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  void start() { read_next(); }

 private:
  using clock_type = std::chrono::steady_clock;
  using Request = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using StreamHead = boost::beast::http::response<boost::beast::http::empty_body>;
  using StreamSerializer = boost::beast::http::response_serializer<boost::beast::http::empty_body>;

  void read_next();
  void on_read(boost::beast::error_code ec);
  void dispatch();
  void admit(const Route& route);
  void send(Reply r);
  void on_sent(boost::beast::error_code ec);
  void discard_then_close();
  void start_stream(std::int64_t duration_ms);
  void stream_chunk();
  void end_stream(boost::beast::error_code ec);

  ServerState& st_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Request> parser_;
  std::function<void()> on_close_;
  std::uint64_t id_ = 0;
  clock_type::time_point t0_;
  Endpoint endpoint_ = Endpoint::Unknown;
  bool keep_alive_ = false;
  bool linger_ = false;  // after a 413: read and drop what the client still sends, then close
  std::string out_;      // the reply being written (serialize_reply), its capacity kept
  // A chunked /stream in progress.
  std::optional<StreamHead> stream_head_;
  std::optional<StreamSerializer> stream_serializer_;
  boost::asio::steady_timer timer_;
  std::string chunk_;
  int seq_ = 0;
  bool last_chunk_ = false;
  clock_type::time_point stream_t0_, stream_end_;
  std::string discard_;
};

}  // namespace userscale::server
