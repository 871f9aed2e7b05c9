// One I/O thread of the load: its own io_context (run by this thread alone) with many
// keep-alive connections. Closed loop: each connection is a worker that sends, waits for the
// answer, thinks, and sends again until the deadline. Open loop: the thread owns every T-th
// request of the schedule (T threads) and sends each when it is due on an idle connection; a
// due request that finds none waits, and its latency still runs from its intended send time.
#pragma once

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
  std::vector<std::string> requests;  // the wire bytes of options->mix.specs()[i]
  std::vector<std::uint32_t> picks;   // open loop: the endpoint of schedule[i]
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
    std::unique_ptr<boost::asio::steady_timer> think;  // closed loop with think time
    std::size_t endpoint = 0;
    Clock::time_point intended{};
    Clock::time_point sent{};
    bool active = false;
  };

  void on_done(ClientConnection& connection, const Outcome& outcome) override;
  void send(Slot& slot, std::size_t endpoint, Clock::time_point intended, Clock::time_point now);
  void next_closed(Slot& slot);
  void dispatch_open();
  void arm_arrivals();
  void arm_sweep();
  Clock::time_point intended(std::size_t own) const;
  void finish();

  const LoadPlan& plan_;
  const LoadOptions& o_;
  int index_;
  boost::asio::io_context io_;
  boost::asio::steady_timer arrivals_;
  boost::asio::steady_timer sweep_;
  Clock::duration sweep_period_{};
  std::vector<Slot> slots_;
  ThreadStats stats_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  int active_ = 0;  // closed loop: workers still going
  // Open loop: of this thread's requests (own index k is schedule index index_ + k * threads),
  // those before next_due_ are due and those before next_send_ have left.
  std::size_t own_count_ = 0;
  std::size_t next_due_ = 0;
  std::size_t next_send_ = 0;
  std::vector<Slot*> idle_;
  int in_flight_ = 0;
  bool finished_ = false;
};

}  // namespace userscale::loadgen
