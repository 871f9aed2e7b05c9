// A Beast SyncReadStream/SyncWriteStream over a connected socket's file descriptor, with a
// time limit on every read and write. Asio's own synchronous socket calls wait forever and
// cannot be woken from another thread; this stream polls with a limit, so that idle keep-alive
// connections time out and a draining server can end them (shutdown() wakes a waiting read).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstddef>

namespace userscale::metrics {

class FdStream {
 public:
  FdStream(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}

  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  int fd() const { return fd_; }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() > 0) return read_into(b.data(), b.size(), ec);
    }
    ec = {};
    return 0;
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    constexpr std::size_t kMaxParts = 32;
    const void* data[kMaxParts];
    std::size_t sizes[kMaxParts];
    std::size_t parts = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && parts < kMaxParts; ++it) {
      boost::asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      data[parts] = b.data();
      sizes[parts] = b.size();
      ++parts;
    }
    if (parts == 0) {
      ec = {};
      return 0;
    }
    return write_from(data, sizes, parts, ec);
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::size_t read_into(void* data, std::size_t size, boost::system::error_code& ec);
  // Gathers the parts into one sendmsg, so that a response's header and body leave together.
  std::size_t write_from(const void* const* data, const std::size_t* sizes, std::size_t parts,
                         boost::system::error_code& ec);
  bool wait(short events, boost::system::error_code& ec);

  int fd_;
  std::chrono::milliseconds timeout_;
};

// Sets TCP_NODELAY and O_NONBLOCK, as FdStream expects.
void prepare_socket(int fd);

}  // namespace userscale::metrics
