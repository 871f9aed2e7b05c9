#include "loadgen/load_runner.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "loadgen/io_worker.h"
#include "loadgen/request_bytes.h"

namespace userscale::loadgen {
namespace {

// The CPUs this process may run on (taskset narrows them), at least 1.
int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Resolved once for the whole run; a name that does not resolve leaves no endpoints, and every
// connect then fails as "connect".
boost::asio::ip::tcp::resolver::results_type resolve(const std::string& host,
                                                     const std::string& port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(host, port, ec);
  return ec ? boost::asio::ip::tcp::resolver::results_type() : results;
}

}  // namespace

LoadSummary run_load(const LoadOptions& o, const std::function<void(const Progress&)>& progress) {
  const int connections = std::max(1, o.open_loop ? o.connections : o.workers);
  const int threads = std::clamp(o.io_threads > 0 ? o.io_threads : usable_cpus(), 1, connections);

  LoadPlan plan;
  plan.options = &o;
  plan.threads = threads;
  plan.endpoints = resolve(o.host, o.port);
  const std::string host_header = o.port == "80" ? o.host : o.host + ":" + o.port;
  for (const auto& spec : o.mix.specs()) plan.requests.push_back(request_bytes(spec, host_header));
  // The open loop's endpoint for request i is fixed before the run, like its send time.
  if (o.open_loop) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    plan.picks.resize(o.schedule.size());
    for (auto& p : plan.picks) p = static_cast<std::uint32_t>(o.mix.pick_index(u(rng)));
  }
  std::atomic<std::size_t> next{0};
  plan.next = &next;
  // A short lead so that every thread is up before the first request is due.
  plan.start = Clock::now() + std::chrono::milliseconds(20);
  plan.deadline = plan.start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(o.duration_s));

  std::vector<std::unique_ptr<IoWorker>> workers;
  for (int t = 0; t < threads; ++t) {
    const int share = connections / threads + (t < connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<IoWorker>(plan, t, share));
  }
  std::vector<std::thread> io_threads;
  for (auto& w : workers) io_threads.emplace_back([&w] { w->run(); });

  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread monitor;
  if (progress) {
    monitor = std::thread([&] {
      std::unique_lock lock(mu);
      for (int tick = 1;; ++tick) {
        if (cv.wait_until(lock, plan.start + std::chrono::seconds(tick), [&] { return finished; }))
          return;
        Progress p;
        p.elapsed_s = std::chrono::duration<double>(Clock::now() - plan.start).count();
        for (const auto& w : workers) {
          const ProgressCounters& c = w->stats().progress();
          p.sent += c.sent.load(std::memory_order_relaxed);
          p.ok += c.ok.load(std::memory_order_relaxed);
          p.failed += c.failed.load(std::memory_order_relaxed);
        }
        progress(p);
      }
    });
  }
  for (auto& t : io_threads) t.join();
  {
    std::lock_guard lock(mu);
    finished = true;
  }
  cv.notify_all();
  if (monitor.joinable()) monitor.join();

  LoadSummary out;
  out.open_loop = o.open_loop;
  out.duration_s = o.duration_s;
  out.io_threads = threads;
  Clock::time_point last = plan.start;
  for (const auto& w : workers) {
    w->stats().merge_into(out, o.mix.specs());
    last = std::max(last, w->stats().last_done());
  }
  out.elapsed_s = std::max(o.duration_s, std::chrono::duration<double>(last - plan.start).count());
  if (o.open_loop && o.duration_s > 0) out.offered_rps = o.schedule.size() / o.duration_s;
  return out;
}

}  // namespace userscale::loadgen
