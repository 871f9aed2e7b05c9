// A loopback HTTP/1.1 server for the load engine's tests, with behaviours a real server shows
// now and then and a test needs on demand: closing kept-alive connections after a few answers
// (without saying so), cutting an answer off mid-body, chunked answers written in small pieces,
// and stalling every answer for a while. One thread runs every connection (poll), so that the
// test process's thread count shows the load generator's threads, and it counts the
// connections it accepted and held at once.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace userscale::testing {

struct ScriptedBehaviour {
  int answers_per_connection = 0;  // > 0: close silently after this many answers
  int cut_every = 0;               // > 0: every n-th answer is cut off mid-body, then closed
  bool chunked = false;            // chunked answers, with an extension and a trailer
};

class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(ScriptedBehaviour b) : b_(b) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 1024) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("ScriptedHttpServer: cannot listen on loopback");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~ScriptedHttpServer() {
    stop_ = true;
    thread_.join();
    for (auto& c : conns_) ::close(c.fd);
    ::close(fd_);
  }
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  std::string port() const { return std::to_string(port_); }
  // No answer leaves for `d` from now; requests wait, then are answered in order.
  void stall_for(std::chrono::milliseconds d) {
    stall_until_ns_ = (std::chrono::steady_clock::now() + d).time_since_epoch().count();
  }
  int accepted() const { return accepted_; }
  int max_open() const { return max_open_; }
  int answered() const { return answered_; }
  int cut() const { return cut_; }

 private:
  struct Conn {
    int fd = -1;
    std::string in;
    int answers = 0;
    bool closing = false;
  };

  bool stalled() const {
    return std::chrono::steady_clock::now().time_since_epoch().count() < stall_until_ns_.load();
  }

  static void send_all(int fd, const std::string& s) {
    for (std::size_t sent = 0; sent < s.size();) {
      const ssize_t n = ::send(fd, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, 100);
      } else {
        return;
      }
    }
  }

  // Answers the requests that have arrived whole; false when the connection is to close.
  bool answer(Conn& c) {
    for (;;) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      c.in.erase(0, end + 4);
      ++c.answers;
      const int n = ++answered_;
      if (b_.cut_every > 0 && n % b_.cut_every == 0) {
        ++cut_;
        send_all(c.fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        return false;
      }
      if (b_.chunked) {
        // In pieces with pauses, so that the client reads the chunk framing split apart.
        const char* pieces[] = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                                "5;ext=1\r\nhel",
                                "lo\r\n",
                                "1",
                                "0\r\n0123456789abcdef\r\n",
                                "0\r\nX-Trailer: yes\r\n",
                                "\r\n"};
        for (const char* p : pieces) {
          send_all(c.fd, p);
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      } else {
        send_all(c.fd,
                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n");
      }
      if (b_.answers_per_connection > 0 && c.answers >= b_.answers_per_connection) return false;
    }
  }

  void loop() {
    std::vector<pollfd> fds;
    char buf[4096];
    while (!stop_) {
      fds.assign(1, pollfd{fd_, POLLIN, 0});
      for (const auto& c : conns_) fds.push_back(pollfd{c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 5) < 0) continue;
      if (fds[0].revents & POLLIN) {
        for (;;) {
          const int c = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          const int one = 1;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conns_.push_back(Conn{c, {}, 0, false});
          ++accepted_;
        }
        max_open_ = std::max<int>(max_open_, static_cast<int>(conns_.size()));
      }
      const bool hold = stalled();
      for (std::size_t i = 1; i < fds.size(); ++i) {
        Conn& c = conns_[i - 1];
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
          const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
          if (n > 0) {
            c.in.append(buf, static_cast<std::size_t>(n));
          } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            c.closing = true;
          }
        }
        if (!c.closing && !hold && !answer(c)) c.closing = true;
      }
      for (std::size_t i = 0; i < conns_.size();) {
        if (conns_[i].closing) {
          ::close(conns_[i].fd);
          conns_[i] = std::move(conns_.back());
          conns_.pop_back();
        } else {
          ++i;
        }
      }
    }
  }

  ScriptedBehaviour b_;
  int fd_ = -1;
  int port_ = 0;
  std::vector<Conn> conns_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> stall_until_ns_{0};
  std::atomic<int> accepted_{0};
  std::atomic<int> max_open_{0};
  std::atomic<int> answered_{0};
  std::atomic<int> cut_{0};
  std::thread thread_;
};

}  // namespace userscale::testing
