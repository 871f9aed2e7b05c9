#include "actuate/haproxy.h"

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "actuate/free_port.h"
#include "actuate/process.h"
#include "actuate/unix_socket.h"

namespace userscale::actuate {
namespace {

constexpr const char* kBackend = "replicas";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// The runtime API answers an accepted `set server` with an empty line (or a short note), and a
// refused one with a message naming the problem.
Status check_answer(const std::string& cmd, const Result<std::string>& r) {
  if (!r.ok()) return r.error();
  const std::string& text = *r;
  for (const char* bad : {"No such", "Unknown", "Require", "invalid", "Invalid", "denied"}) {
    if (text.find(bad) != std::string::npos) return Error{"haproxy", cmd + ": " + text};
  }
  return ok_status();
}

}  // namespace

std::string haproxy_config(const HaproxyOptions& o, const std::filesystem::path& socket) {
  std::ostringstream c;
  c << "# Written by userscale scaler --world local; servers change through the runtime API.\n"
    << "global\n"
    << "  stats socket " << socket.string() << " mode 600 level admin\n"
    << "  stats timeout 10s\n"
    << "  maxconn 4096\n"
    << "defaults\n"
    << "  mode http\n"
    << "  timeout connect 2s\n"
    << "  timeout client 120s\n"
    << "  timeout server 120s\n"
    << "  timeout http-keep-alive 10s\n"
    // A refused connection (a replica that just died) is tried again on another server.
    << "  retries 2\n"
    << "  option redispatch 1\n"
    << "frontend userscale\n"
    << "  bind 127.0.0.1:" << o.port << "\n"
    << "  default_backend " << kBackend << "\n"
    << "backend " << kBackend << "\n"
    << "  balance leastconn\n";
  // Every slot starts in maintenance on a placeholder address; `set server` fills it in.
  for (int i = 1; i <= o.slots; ++i) {
    c << "  server " << Haproxy::server_name(i) << " 127.0.0.1:9 disabled\n";
  }
  return c.str();
}

Result<std::unique_ptr<Haproxy>> Haproxy::start(HaproxyOptions o) {
  if (o.port == 0) {
    auto p = free_loopback_port();
    if (!p.ok()) return p.error();
    o.port = *p;
  }
  std::unique_ptr<Haproxy> h(new Haproxy(std::move(o), 0));
  if (auto s = h->launch(); !s.ok()) return s.error();
  return h;
}

Status Haproxy::restart() {
  if (alive()) stop();
  return launch();
}

Status Haproxy::launch() {
  const auto cfg = o_.run_dir / "haproxy.cfg";
  {
    std::ofstream out(cfg);
    out << haproxy_config(o_, socket());
    if (!out) return Error{"haproxy", "cannot write " + cfg.string()};
  }
  std::error_code ec;
  std::filesystem::remove(socket(), ec);
  auto pid = spawn({o_.binary.string(), "-db", "-f", cfg.string()}, o_.run_dir / "haproxy.log");
  if (!pid.ok()) return pid.error();
  pid_ = *pid;
  const auto deadline = std::chrono::steady_clock::now() + o_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!is_alive(*pid)) {
      return Error{"haproxy", "exited at start; see " + (o_.run_dir / "haproxy.log").string()};
    }
    if (command("show info").ok()) return ok_status();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return Error{"haproxy", "runtime API did not answer in time"};
}

Result<std::unique_ptr<Haproxy>> Haproxy::adopt(HaproxyOptions o, pid_t pid) {
  if (!is_alive(pid) || command_line(pid).find("haproxy") == std::string::npos) {
    return Error{"haproxy", "pid " + std::to_string(pid) + " is not a running haproxy"};
  }
  std::unique_ptr<Haproxy> h(new Haproxy(std::move(o), pid));
  if (auto r = h->command("show info"); !r.ok()) return r.error();
  return h;
}

Result<std::string> Haproxy::command(const std::string& cmd) {
  return unix_exchange(socket(), cmd + "\n", std::chrono::seconds(2));
}

Status Haproxy::enable(int slot, int port) {
  const std::string srv = std::string(kBackend) + "/" + server_name(slot);
  const std::string addr = "set server " + srv + " addr 127.0.0.1 port " + std::to_string(port);
  if (auto s = check_answer(addr, command(addr)); !s.ok()) return s;
  const std::string ready = "set server " + srv + " state ready";
  return check_answer(ready, command(ready));
}

Status Haproxy::disable(int slot) {
  const std::string cmd =
      "set server " + std::string(kBackend) + "/" + server_name(slot) + " state maint";
  return check_answer(cmd, command(cmd));
}

Result<int> Haproxy::active(int slot) {
  auto r = command("show stat");
  if (!r.ok()) return r.error();
  std::istringstream in(*r);
  std::string line;
  const std::string name = server_name(slot);
  while (std::getline(in, line)) {
    const auto f = split(line, ',');
    // pxname, svname, qcur, qmax, scur, ...
    if (f.size() > 4 && f[0] == kBackend && f[1] == name) {
      try {
        return std::stoi(f[2].empty() ? "0" : f[2]) + std::stoi(f[4].empty() ? "0" : f[4]);
      } catch (...) {
        return Error{"haproxy", "unreadable show stat line: " + line};
      }
    }
  }
  return Error{"haproxy", "no server " + name + " in show stat"};
}

bool Haproxy::alive() const {
  return is_alive(pid_);
}

void Haproxy::stop() {
  terminate(pid_, std::chrono::seconds(3));
}

}  // namespace userscale::actuate
