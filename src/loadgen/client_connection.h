// One keep-alive HTTP/1.1 connection of the event-driven load engine, on its I/O thread's
// io_context: connect (again) when needed, write a request's prepared bytes, read the response
// with a ResponseReader. One exchange at a time; its end is reported to the owner. A kept-alive
// connection that the server has closed in the meantime (it fails before any byte of the answer)
// reconnects and sends again once, as metrics::HttpClient does; other failures are reported by
// kind: "connect", "timeout", "closed" or "io".
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "loadgen/response_reader.h"

namespace userscale::loadgen {

using Clock = std::chrono::steady_clock;

struct Outcome {
  int status = 0;               // > 0: the answer's status
  const char* error = nullptr;  // no answer: its kind
};

class ClientConnection;

class ConnectionOwner {
 public:
  virtual void on_done(ClientConnection& connection, const Outcome& outcome) = 0;

 protected:
  ~ConnectionOwner() = default;
};

class ClientConnection {
 public:
  ClientConnection(boost::asio::io_context& io,
                   const boost::asio::ip::tcp::resolver::results_type& endpoints,
                   Clock::duration timeout, ConnectionOwner& owner, std::size_t tag);
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Starts an exchange of `bytes` (which must outlive it); the owner hears of its end once.
  void send(const std::string& bytes);
  // Fails the exchange in flight with "timeout" when its current connect, write or read has
  // waited past the time limit. The I/O thread calls it from a periodic sweep: one timer per
  // thread instead of one per operation.
  void check_deadline(Clock::time_point now);
  void close();

  bool busy() const { return busy_; }
  std::size_t tag() const { return tag_; }
  std::uint64_t connects() const { return connects_; }

 private:
  void connect();
  void on_connect(const boost::system::error_code& ec);
  void write();
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void complete(bool must_close);
  void fail(const boost::system::error_code& ec, const char* during);
  void report(const Outcome& outcome);

  static constexpr std::size_t kBufferSize = 16 * 1024;

  boost::asio::ip::tcp::socket socket_;
  const boost::asio::ip::tcp::resolver::results_type& endpoints_;
  Clock::duration timeout_;
  ConnectionOwner& owner_;
  std::size_t tag_;
  std::unique_ptr<char[]> buffer_;
  ResponseReader reader_;
  const std::string* bytes_ = nullptr;
  Clock::time_point deadline_{};
  bool connected_ = false;
  bool reused_ = false;   // this connection has answered before
  bool retried_ = false;  // this exchange has reconnected once already
  bool busy_ = false;
  bool timed_out_ = false;
  std::uint64_t connects_ = 0;
};

}  // namespace userscale::loadgen
