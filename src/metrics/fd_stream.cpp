#include "metrics/fd_stream.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/error.hpp>
#include <cerrno>

namespace userscale::metrics {

void prepare_socket(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool FdStream::wait(short events, boost::system::error_code& ec) {
  pollfd p{fd_, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    if (n > 0) return true;
    if (n == 0) {
      ec = boost::asio::error::timed_out;
      return false;
    }
    if (errno != EINTR) {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return false;
    }
  }
}

std::size_t FdStream::read_into(void* data, std::size_t size, boost::system::error_code& ec) {
  for (;;) {
    const ssize_t n = ::recv(fd_, data, size, 0);
    if (n > 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      ec = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return 0;
    }
    if (!wait(POLLIN, ec)) return 0;
  }
}

std::size_t FdStream::write_from(const void* const* data, const std::size_t* sizes,
                                 std::size_t parts, boost::system::error_code& ec) {
  iovec iov[32];
  for (std::size_t i = 0; i < parts; ++i) {
    iov[i].iov_base = const_cast<void*>(data[i]);
    iov[i].iov_len = sizes[i];
  }
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = parts;
  for (;;) {
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return 0;
    }
    if (!wait(POLLOUT, ec)) return 0;
  }
}

}  // namespace userscale::metrics
