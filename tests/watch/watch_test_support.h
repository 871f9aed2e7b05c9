// Shared by the watch tests: a scratch folder, a child process with its output in files, a
// loopback HTTP server that plays a scaler (stopped and restarted on the same port), and a
// private tmux server to drive the real binary on a terminal.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/scratch_dir.h"

namespace userscale::watch::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

using userscale::testing::ScratchDir;

// A program with stdout and stderr in files (so stdout is not a terminal).
using Child = userscale::testing::ChildProcess;
using userscale::testing::run_to_end;

// Polls `check` every 50 ms until it is true or `limit` passes.
inline bool eventually(const std::function<bool()>& check, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

// A minimal HTTP/1.1 server on 127.0.0.1: one thread, one request per connection
// (Connection: close), answers from a handler. stop() closes the port; start() again reopens
// the same one, as a restarted scaler would.
class LoopbackServer {
 public:
  struct Answer {
    int status = 200;
    std::string body;
  };
  using Handler = std::function<Answer(const std::string& target)>;

  explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {}
  ~LoopbackServer() { stop(); }

  bool start(int port = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0) {
      ::close(fd_);
      fd_ = -1;
      return false;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    stop_ = false;
    thread_ = std::thread([this] { serve(); });
    return true;
  }
  void stop() {
    if (fd_ < 0) return;
    stop_ = true;
    thread_.join();
    ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  void set_handler(Handler h) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(h);
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      handle(c);
      ::close(c);
    }
  }
  void handle(int c) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) return;
      req.append(buf, static_cast<std::size_t>(n));
    }
    const std::size_t sp1 = req.find(' ');
    const std::size_t sp2 = req.find(' ', sp1 + 1);
    const std::string target = req.substr(sp1 + 1, sp2 - sp1 - 1);
    Answer a;
    {
      std::lock_guard<std::mutex> lock(mu_);
      a = handler_(target);
    }
    ++requests_;
    const std::string head =
        "HTTP/1.1 " + std::to_string(a.status) +
        " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(a.body.size()) +
        "\r\nConnection: close\r\n\r\n";
    const std::string all = head + a.body;
    std::size_t off = 0;
    while (off < all.size()) {
      const ssize_t n = ::write(c, all.data() + off, all.size() - off);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }

  Handler handler_;
  std::mutex mu_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A tmux server of its own (its own socket), so that tests never touch another tmux; the
// session and the server are killed when the object goes.
class TmuxSession {
 public:
  TmuxSession(const std::string& command, int width, int height) {
    static std::atomic<int> counter{0};
    name_ = "uswatch-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    ok_ = tmux("new-session -d -s " + name_ + " -x " + std::to_string(width) + " -y " +
               std::to_string(height) + " " + quote(command)) == 0;
    const std::string path = std::filesystem::temp_directory_path() / (name_ + ".socket");
    tmux("display-message -p -t " + name_ + " '#{socket_path}' > " + path);
    socket_ = read_text(path);
    while (!socket_.empty() && socket_.back() == '\n') socket_.pop_back();
    std::filesystem::remove(path);
  }
  ~TmuxSession() {
    tmux("kill-session -t " + name_);
    tmux("kill-server");
    // The server leaves its socket file behind.
    std::error_code ec;
    if (!socket_.empty()) std::filesystem::remove(socket_, ec);
  }
  bool ok() const { return ok_; }
  std::string capture() {
    const std::string path = std::filesystem::temp_directory_path() / (name_ + ".capture");
    tmux("capture-pane -p -t " + name_ + " > " + path);
    std::string text = read_text(path);
    std::filesystem::remove(path);
    return text;
  }
  void send_keys(const std::string& keys) { tmux("send-keys -t " + name_ + " " + keys); }
  bool wait_for(const std::string& needle, std::chrono::milliseconds limit) {
    return eventually([&] { return capture().find(needle) != std::string::npos; }, limit);
  }

  static bool available() { return std::system("tmux -V > /dev/null 2>&1") == 0; }
  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    return out + "'";
  }

 private:
  int tmux(const std::string& args) {
    return std::system(("tmux -L " + name_ + " " + args + " 2>/dev/null").c_str());
  }
  std::string name_;
  std::string socket_;
  bool ok_ = false;
};

}  // namespace userscale::watch::testing
