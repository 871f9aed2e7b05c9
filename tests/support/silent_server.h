// A loopback TCP server for fault tests: it accepts connections (on a port the OS picks) and
// never answers them, as a hung exporter or a stopped Prometheus does, until a test tells it
// to answer every request with one fixed HTTP 200 body. Connections it holds stay open until
// it is destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace userscale::testing {

class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 64) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("SilentServer: cannot listen on loopback");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~SilentServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    for (int c : held_) ::close(c);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // From now on, new requests get `body` (connections already held stay silent).
  void answer_with(std::string body, std::string content_type = "text/plain") {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
    content_type_ = std::move(content_type);
    answering_ = true;
  }
  int accepted() const { return accepted_; }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::string reply;
      {
        std::lock_guard lock(mu_);
        if (answering_) {
          reply = "HTTP/1.1 200 OK\r\nContent-Type: " + content_type_ +
                  "\r\nConnection: close\r\nContent-Length: " + std::to_string(body_.size()) +
                  "\r\n\r\n" + body_;
        }
      }
      if (reply.empty()) {
        held_.push_back(c);  // never read, never answered
        continue;
      }
      read_request(c);
      for (std::size_t sent = 0; sent < reply.size();) {
        const ssize_t n = ::send(c, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(c);
    }
  }
  // Reads up to the end of the request head (the clients here send no body).
  static void read_request(int c) {
    std::string head;
    char buf[1024];
    while (head.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      head.append(buf, static_cast<std::size_t>(n));
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> held_;
  std::mutex mu_;
  bool answering_ = false;
  std::string body_, content_type_;
  std::thread thread_;
};

}  // namespace userscale::testing
