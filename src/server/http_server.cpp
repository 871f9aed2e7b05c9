#include "server/http_server.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "metrics/nvml.h"
#include "server/server_state.h"
#include "server/session.h"

namespace userscale::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

// How long the acceptor waits after a failed accept before it tries again.
constexpr std::chrono::milliseconds kAcceptRetry{50};

// Accepts connections and starts a session for each, at most --max-connections at once: at the
// limit it stops accepting (new connections wait in the kernel's backlog) until one closes.
// Its handlers run on the acceptor's strand.
class Acceptor {
 public:
  Acceptor(ServerState& st, tcp::acceptor& acc, net::io_context& io)
      : st_(st), acc_(acc), io_(io), retry_(io) {}

  void start() {
    acc_.async_accept(net::make_strand(io_),
                      [this](boost::system::error_code ec, tcp::socket socket) {
                        if (ec == net::error::operation_aborted || !acc_.is_open()) return;
                        if (ec) {
                          // Out of file descriptors (EMFILE, ENFILE) or another failure of one
                          // accept: the listening socket still works, and asking again at once
                          // fails the same way, a busy loop. Try again shortly.
                          retry_.expires_after(kAcceptRetry);
                          retry_.async_wait([this](boost::system::error_code wait) {
                            if (!wait && acc_.is_open()) start();
                          });
                          return;
                        }
                        open_.fetch_add(1);
                        std::make_shared<Session>(st_, std::move(socket), [this] {
                          open_.fetch_sub(1);
                          net::post(acc_.get_executor(), [this] { resume(); });
                        })->start();
                        if (open_.load() >= st_.options.max_connections) {
                          paused_ = true;
                          return;
                        }
                        start();
                      });
  }

 private:
  void resume() {
    if (!paused_ || !acc_.is_open() || open_.load() >= st_.options.max_connections) return;
    paused_ = false;
    start();
  }

  ServerState& st_;
  tcp::acceptor& acc_;
  net::io_context& io_;
  net::steady_timer retry_;
  std::atomic<int> open_{0};
  bool paused_ = false;
};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The cores this process may run on (its affinity mask, as taskset or a container sets it).
int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

int run_server(const ServeOptions& o, std::ostream& out, std::ostream& log_stream) {
  Log log(log_stream);
  std::signal(SIGPIPE, SIG_IGN);
  if (o.max_inflight < 1 || o.queue < 0 || o.max_connections < 1 || o.io_threads < 0) {
    log.line(
        "--max-inflight and --max-connections must be at least 1, --queue and --io-threads at "
        "least 0");
    return 2;
  }
  auto device = choose_device(o.device);
  if (!device.ok()) {
    log.line(device.error().to_string());
    return 2;
  }
  kernels::ClassifierWeights weights;
  if (!o.model_path.empty()) {
    auto loaded = kernels::load_classifier_weights(o.model_path);
    if (!loaded.ok()) {
      log.line(loaded.error().to_string());
      return 2;
    }
    weights = std::move(loaded).value();
  } else {
    weights = kernels::make_classifier_weights(o.model_seed);
  }

  ServerState st(o, Workloads(device->device, std::move(weights)), log);
  st.start_time_seconds = unix_now();
  log.line(std::string("device ") + std::string(device_name(device->device)) + ": " +
           device->reason);
  auto nvml = metrics::Nvml::load();
  if (nvml.ok()) {
    st.nvml = std::move(nvml).value();
    log.line("NVML loaded: GPU utilization and memory are exported");
  } else {
    log.line("NVML unavailable (" + nvml.error().message + "): no GPU metrics");
  }

  net::io_context io;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(o.bind, ec);
  if (ec) {
    log.line("--bind " + o.bind + ": " + ec.message());
    return 2;
  }
  tcp::acceptor acceptor(net::make_strand(io));
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    log.line("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + ec.message());
    return 1;
  }
  const auto bound = acceptor.local_endpoint();

  // Warm-up: run every workload once and wait out --warmup-ms, then turn ready.
  std::mutex warm_mu;
  std::condition_variable warm_cv;
  bool stop_warmup = false;
  std::thread warmup([&] {
    const auto t0 = clock_type::now();
    st.workloads.warm_up();
    std::unique_lock lock(warm_mu);
    warm_cv.wait_until(lock, t0 + std::chrono::milliseconds(o.warmup_ms),
                       [&] { return stop_warmup; });
    if (!stop_warmup && !st.draining) {
      st.ready = true;
      log.line("ready");
    }
  });

  Acceptor accept_loop(st, acceptor, io);
  accept_loop.start();
  out << "userscale serve: listening on http://" << bound.address().to_string() << ":"
      << bound.port() << std::endl;

  int exit_code = 0;
  net::signal_set signals(io, SIGTERM, SIGINT);
  net::steady_timer drain_timer(io);
  clock_type::time_point drain_deadline;
  // Once no request runs: stop accepting, close idle connections, and stop the loop when the
  // last connection has closed (or after 5 s more).
  std::function<void()> poll_closed = [&] {
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([&](boost::system::error_code tec) {
      if (tec) return;
      if (st.connections.size() > 0 && clock_type::now() < drain_deadline) {
        poll_closed();
        return;
      }
      io.stop();
    });
  };
  std::function<void()> poll_drain = [&] {
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([&](boost::system::error_code tec) {
      if (tec) return;
      const bool idle = st.admission.running() == 0 && st.admission.waiting() == 0;
      if (!idle && clock_type::now() < drain_deadline) {
        poll_drain();
        return;
      }
      if (!idle) {
        log.line("drain timeout: " + std::to_string(st.admission.running()) +
                 " request(s) still running");
        exit_code = 1;
        io.stop();
        return;
      }
      log.line("drained: no request in flight");
      net::post(acceptor.get_executor(), [&] {
        boost::system::error_code ignored;
        acceptor.close(ignored);
      });
      st.connections.stop();
      drain_deadline = clock_type::now() + std::chrono::seconds(5);
      poll_closed();
    });
  };
  signals.async_wait([&](boost::system::error_code sec, int signo) {
    if (sec) return;
    st.draining = true;
    st.ready = false;
    log.line(std::string("received ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT") +
             ": not ready; finishing " + std::to_string(st.admission.running()) + " running and " +
             std::to_string(st.admission.waiting()) + " queued request(s)");
    drain_deadline = clock_type::now() + std::chrono::milliseconds(o.drain_timeout_ms);
    poll_drain();
  });
  const int io_threads = o.io_threads > 0 ? o.io_threads : usable_cores();
  log.line(std::to_string(io_threads) + " I/O thread(s), " + std::to_string(o.max_inflight) +
           " worker(s), at most " + std::to_string(o.max_connections) + " connections");
  std::vector<std::thread> loop_threads;
  for (int i = 1; i < io_threads; ++i) loop_threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : loop_threads) t.join();

  {
    std::lock_guard lock(warm_mu);
    stop_warmup = true;
  }
  warm_cv.notify_all();
  warmup.join();
  if (st.connections.size() > 0 || exit_code != 0) {
    // Sessions or workers still use the state; leave without destroying it.
    log.line("exiting with connections or requests still open");
    std::cout.flush();
    std::_Exit(exit_code == 0 ? 1 : exit_code);
  }
  st.workers.join();
  log.line("bye");
  return exit_code;
}

}  // namespace userscale::server
