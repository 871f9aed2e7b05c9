// A TCP socket as a synchronous stream with a time limit on every read and write (through
// metrics::FdStream), shaped so that boost::asio::ssl::stream can sit on top of it: Asio's own
// synchronous calls wait forever, and a watch or a slow server must not hang a controller.
// interrupt() wakes a read waiting on another thread (shutdown of the socket).
#pragma once

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <utility>

#include "metrics/fd_stream.h"

namespace userscale::actuate::kube {

class TimedSocket {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = boost::asio::ip::tcp::socket;

  TimedSocket(boost::asio::ip::tcp::socket socket, std::chrono::milliseconds timeout)
      : socket_(std::move(socket)), timeout_(timeout) {
    metrics::prepare_socket(socket_.native_handle());
  }

  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
  int fd() { return socket_.native_handle(); }
  void interrupt() { ::shutdown(socket_.native_handle(), SHUT_RDWR); }

  template <class Buffers>
  std::size_t read_some(const Buffers& b, boost::system::error_code& ec) {
    metrics::FdStream s(socket_.native_handle(), timeout_);
    return s.read_some(b, ec);
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& b) {
    metrics::FdStream s(socket_.native_handle(), timeout_);
    return s.read_some(b);
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& b, boost::system::error_code& ec) {
    metrics::FdStream s(socket_.native_handle(), timeout_);
    return s.write_some(b, ec);
  }
  template <class Buffers>
  std::size_t write_some(const Buffers& b) {
    metrics::FdStream s(socket_.native_handle(), timeout_);
    return s.write_some(b);
  }

 private:
  boost::asio::ip::tcp::socket socket_;
  std::chrono::milliseconds timeout_;
};

}  // namespace userscale::actuate::kube
