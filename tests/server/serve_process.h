// Starts the real `userscale serve` binary on a free loopback port (--port 0; the port is read
// from its "listening on" line) and stops it, so that tests talk to it over real sockets.
// Header-only, shared by tests/server and tests/loadgen.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace userscale::testing {

class ServeProcess {
 public:
  // Starts `userscale serve --bind 127.0.0.1 --port 0 ARGS...` and waits for its port; its log
  // (stderr) goes to `log_path` when given; `max_open_files` lowers its RLIMIT_NOFILE.
  explicit ServeProcess(const std::vector<std::string>& args, const std::string& log_path = "",
                        std::optional<rlim_t> max_open_files = std::nullopt) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out_pipe[1], STDOUT_FILENO);
      if (!log_path.empty()) {
        const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) ::dup2(log, STDERR_FILENO);
      }
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      if (max_open_files) {
        const rlimit limit{*max_open_files, *max_open_files};
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
      }
      std::vector<std::string> argv_s = {USERSCALE_BINARY, "serve",  "--bind",
                                         "127.0.0.1",      "--port", "0"};
      argv_s.insert(argv_s.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& s : argv_s) argv.push_back(s.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    out_fd_ = out_pipe[0];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string seen;
    const std::string marker = "listening on http://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
      const auto at = seen.find(marker);
      const auto eol = at == std::string::npos ? std::string::npos : seen.find('\n', at);
      if (eol != std::string::npos) {
        port_ = std::stoi(seen.substr(at + marker.size(), eol - at - marker.size()));
        return;
      }
    }
    stop_hard();
    throw std::runtime_error("userscale serve did not start; output: " + seen);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() { stop_hard(); }

  int port() const { return port_; }
  std::string port_string() const { return std::to_string(port_); }
  std::string url() const { return "http://127.0.0.1:" + port_string(); }

  void signal(int signo) { ::kill(pid_, signo); }
  pid_t pid() const { return pid_; }

  // The exit code once the process ends within `limit`; nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  void stop_hard() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (out_fd_ >= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
    }
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
};

}  // namespace userscale::testing
