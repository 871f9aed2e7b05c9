// One I/O thread of the load: its own io_context (run by this thread alone) with many
// keep-alive connections. Closed loop: each connection is a worker that sends, waits for the
// answer, thinks, and sends again until the deadline. Open loop: a connection that is free
// claims the next request of the schedule (one atomic counter shared by all threads, so that
// the first free connection anywhere takes it) and sends it when it is due, at once when it is
// overdue; a request that found every connection busy left late, and its latency still runs
// from its intended send time.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "loadgen/client_connection.h"
#include "loadgen/load_runner.h"
#include "loadgen/thread_stats.h"

namespace userscale::loadgen {

// What every I/O thread reads and none writes.
struct LoadPlan {
  const LoadOptions* options = nullptr;
  Clock::time_point start{};
  Clock::time_point deadline{};  // closed loop: no request starts after it
  boost::asio::ip::tcp::resolver::results_type endpoints;
  std::vector<std::string> requests;         // the wire bytes of options->mix.specs()[i]
  std::vector<std::uint32_t> picks;          // open loop: the endpoint of schedule[i]
  std::atomic<std::size_t>* next = nullptr;  // open loop: the next request to claim
  int threads = 1;
};

class IoWorker final : public ConnectionOwner {
 public:
  // `index` of `plan.threads`; `connections`: this thread's share.
  IoWorker(const LoadPlan& plan, int index, int connections);
  ~IoWorker();

  // Runs the thread's part of the load to its end.
  void run();

  const ThreadStats& stats() const { return stats_; }

 private:
  struct Slot {
    std::unique_ptr<ClientConnection> connection;
    // Closed loop: the think time; open loop: the wait for a claimed request's send time.
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::size_t endpoint = 0;
    Clock::time_point intended{};
    Clock::time_point sent{};
    bool active = false;
  };

  void on_done(ClientConnection& connection, const Outcome& outcome) override;
  void send(Slot& slot, std::size_t endpoint, Clock::time_point intended, Clock::time_point now);
  void next_closed(Slot& slot);
  void next_open(Slot& slot);
  void slot_ended();
  void arm_sweep();
  void finish();

  const LoadPlan& plan_;
  const LoadOptions& o_;
  int index_;
  boost::asio::io_context io_;
  boost::asio::steady_timer start_;
  boost::asio::steady_timer sweep_;
  Clock::duration sweep_period_{};
  std::vector<Slot> slots_;
  ThreadStats stats_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  int active_ = 0;  // connections with work left
  bool finished_ = false;
};

}  // namespace userscale::loadgen
