#include "loadgen/client_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "metrics/http_message.h"

namespace userscale::loadgen {

using boost::asio::ip::tcp;

ClientConnection::ClientConnection(boost::asio::io_context& io,
                                   const tcp::resolver::results_type& endpoints,
                                   Clock::duration timeout, ConnectionOwner& owner, std::size_t tag)
    : socket_(io),
      endpoints_(endpoints),
      timeout_(timeout),
      owner_(owner),
      tag_(tag),
      buffer_(new char[kBufferSize]) {}

void ClientConnection::send(const std::string& bytes) {
  bytes_ = &bytes;
  busy_ = true;
  retried_ = false;
  timed_out_ = false;
  reader_.reset();
  if (connected_) {
    write();
  } else {
    connect();
  }
}

void ClientConnection::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  connected_ = false;
  reused_ = false;
}

void ClientConnection::check_deadline(Clock::time_point now) {
  if (!busy_ || timed_out_ || now < deadline_) return;
  timed_out_ = true;
  // Closing fails the pending operation (operation_aborted); its handler reports the timeout.
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void ClientConnection::connect() {
  close();
  ++connects_;
  deadline_ = Clock::now() + timeout_;
  boost::asio::async_connect(
      socket_, endpoints_,
      [this](const boost::system::error_code& ec, const tcp::endpoint&) { on_connect(ec); });
}

void ClientConnection::on_connect(const boost::system::error_code& ec) {
  if (ec) {
    close();
    report(Outcome{0, timed_out_ ? "timeout" : "connect"});
    return;
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  connected_ = true;
  write();
}

void ClientConnection::write() {
  deadline_ = Clock::now() + timeout_;
  // Requests are small: the first send usually takes them whole, without waiting.
  boost::asio::async_write(socket_, boost::asio::buffer(*bytes_),
                           [this](const boost::system::error_code& ec, std::size_t) {
                             if (ec) {
                               fail(ec, "write");
                             } else {
                               read();
                             }
                           });
}

void ClientConnection::read() {
  socket_.async_read_some(
      boost::asio::buffer(buffer_.get(), kBufferSize),
      [this](const boost::system::error_code& ec, std::size_t n) { on_read(ec, n); });
}

void ClientConnection::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (ec) {
    if (ec == boost::asio::error::eof && !timed_out_ &&
        reader_.at_eof() == ResponseReader::State::Done) {
      complete(true);  // a body that ran to the close
      return;
    }
    fail(ec, "read");
    return;
  }
  deadline_ = Clock::now() + timeout_;
  const std::size_t used = reader_.feed(buffer_.get(), n);
  switch (reader_.state()) {
    case ResponseReader::State::NeedMore:
      read();
      return;
    case ResponseReader::State::Bad:
      close();
      report(Outcome{0, "io"});
      return;
    case ResponseReader::State::Done:
      // Bytes nobody asked for would be taken for the next answer: start afresh instead.
      complete(used < n);
      return;
  }
}

void ClientConnection::complete(bool must_close) {
  const int status = reader_.status();
  if (must_close || !reader_.keep_alive()) {
    close();
  } else {
    reused_ = true;
  }
  report(Outcome{status, nullptr});
}

void ClientConnection::fail(const boost::system::error_code& ec, const char* during) {
  const bool fresh_start = !reader_.started();
  const bool was_reused = reused_;
  close();
  if (timed_out_) {
    report(Outcome{0, "timeout"});
    return;
  }
  const std::string kind = metrics::http_io_error(ec, during).path;
  // The server closed a kept-alive connection while it was idle: that is no failure of this
  // request; send it again on a fresh connection, once.
  if (kind == "closed" && was_reused && fresh_start && !retried_) {
    retried_ = true;
    reader_.reset();
    connect();
    return;
  }
  report(Outcome{0, kind == "closed" ? "closed" : kind == "timeout" ? "timeout" : "io"});
}

void ClientConnection::report(const Outcome& outcome) {
  busy_ = false;
  owner_.on_done(*this, outcome);
}

}  // namespace userscale::loadgen
