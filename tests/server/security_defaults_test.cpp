// What docs/security.md promises about `userscale serve` with its default flags, checked on the
// real binary: it listens on 127.0.0.1 only, refuses a body over 4 MiB with 413 and a header
// block over 16 KiB with 431, and nothing a client sends reaches its log.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace userscale::server {
namespace {

// `userscale serve --port 0` and nothing else: every other flag at its default. Its stdout and
// stderr go to one file, so that a test can read everything it logged.
class DefaultServe {
 public:
  DefaultServe() {
    char path[] = "/tmp/userscale-serve-defaults-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    log_path_ = path;
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::execl(USERSCALE_BINARY, USERSCALE_BINARY, "serve", "--port", "0", "--device", "cpu",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fd);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = log();
      const auto at = text.find("listening on http://");
      const auto eol = at == std::string::npos ? std::string::npos : text.find('\n', at);
      if (eol != std::string::npos) {
        line_ = text.substr(text.rfind('\n', at) + 1, eol - text.rfind('\n', at) - 1);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~DefaultServe() {
    stop();
    ::unlink(log_path_.c_str());
  }
  // SIGTERM, then waits for the drain to finish.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::string log() const {
    std::ifstream in(log_path_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // "userscale serve: listening on http://HOST:PORT".
  const std::string& line() const { return line_; }
  int port() const {
    const auto colon = line_.rfind(':');
    return colon == std::string::npos ? 0 : std::stoi(line_.substr(colon + 1));
  }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::string line_;
};

// Connects to host:port; returns the socket, or -1 with errno set.
int connect_to(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// Sends `request` (as much as the server takes) and returns the response's status line.
std::string status_line(int port, const std::string& request) {
  const int fd = connect_to("127.0.0.1", port);
  if (fd < 0) return "connect failed";
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::signal(SIGPIPE, SIG_IGN);
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server answered early and stopped reading
    sent += static_cast<std::size_t>(n);
  }
  std::string got;
  char buf[4096];
  while (got.find("\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return got.substr(0, got.find("\r\n"));
}

// This machine's IPv4 addresses other than loopback.
std::vector<std::string> other_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) out.push_back(text);
  }
  ::freeifaddrs(list);
  return out;
}

TEST(ServeDefaults, ListensOnLoopbackOnly) {
  DefaultServe s;
  ASSERT_EQ(s.line().rfind("userscale serve: listening on http://127.0.0.1:", 0), 0u) << s.line();
  const int fd = connect_to("127.0.0.1", s.port());
  ASSERT_GE(fd, 0);
  ::close(fd);
  const auto others = other_addresses();
  if (others.empty()) GTEST_SKIP() << "no non-loopback IPv4 address to try";
  for (const std::string& host : others) {
    EXPECT_LT(connect_to(host, s.port()), 0) << "reachable on " << host;
    EXPECT_EQ(errno, ECONNREFUSED) << host;
  }
}

TEST(ServeDefaults, BodyOver4MiBGets413AndHeadersOver16KiBGet431) {
  DefaultServe s;
  const std::size_t limit = 4u << 20;
  const std::string head = "POST /infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ";
  EXPECT_EQ(status_line(s.port(), head + std::to_string(limit + 1) + "\r\n\r\n" +
                                      std::string(limit + 1, 'x')),
            "HTTP/1.1 413 Payload Too Large");
  // At the limit the body is read and judged: a broken PGM header, 400.
  EXPECT_EQ(status_line(s.port(), head + std::to_string(limit) + "\r\nConnection: close\r\n\r\n" +
                                      "P5" + std::string(limit - 2, 'x')),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(s.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                                      std::string(17 * 1024, 'a') + "\r\n\r\n"),
            "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(status_line(s.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            "HTTP/1.1 200 OK");
}

// Nothing a client sends reaches the log: serve writes no line per request, so credentials in
// headers, queries or bodies cannot leak there.
TEST(ServeDefaults, RequestContentNeverReachesTheLog) {
  DefaultServe s;
  const std::string secret = "s3cr3t-7f1d9";
  EXPECT_EQ(status_line(s.port(), "GET /sort?size=10&token=" + secret +
                                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                      secret + "\r\n\r\n"),
            "HTTP/1.1 200 OK");
  EXPECT_EQ(status_line(s.port(), "GET /sort?size=" + secret + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(s.port(), "GET /" + secret + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 404 Not Found");
  EXPECT_EQ(status_line(s.port(),
                        "POST /infer HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n" + secret),
            "HTTP/1.1 400 Bad Request");
  s.stop();
  const std::string log = s.log();
  EXPECT_NE(log.find("listening on"), std::string::npos) << log;
  EXPECT_NE(log.find("received SIGTERM"), std::string::npos) << log;
  EXPECT_EQ(log.find(secret), std::string::npos) << log;
}

}  // namespace
}  // namespace userscale::server
