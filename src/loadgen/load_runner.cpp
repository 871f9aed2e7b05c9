#include "loadgen/load_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "metrics/http_client.h"

namespace userscale::loadgen {
namespace {

using clock_type = std::chrono::steady_clock;

std::uint64_t micros(clock_type::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

struct Counters {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
};

// What one worker saw; merged after the run.
struct WorkerStats {
  LoadSummary part;
  clock_type::time_point last_done{};

  TimelineRow& row(double second) {
    const auto i = static_cast<std::size_t>(std::max(0.0, second));
    if (part.timeline.size() <= i) part.timeline.resize(i + 1);
    return part.timeline[i];
  }
};

class Worker {
 public:
  Worker(const LoadOptions& o, Counters& c, clock_type::time_point start)
      : o_(o), c_(c), start_(start), client_(o.host, o.port, o.timeout) {}

  // One exchange; `intended` is when it should have been sent.
  void exchange(const RequestSpec& spec, clock_type::time_point intended) {
    const auto sent = clock_type::now();
    c_.sent.fetch_add(1, std::memory_order_relaxed);
    stats_.row(seconds(intended)).sent++;
    auto res = client_.request(spec.method, spec.target, spec.body, spec.content_type);
    const auto done = clock_type::now();
    stats_.last_done = std::max(stats_.last_done, done);
    ++stats_.part.requests;
    ++stats_.part.by_endpoint[spec.name];
    TimelineRow& row = stats_.row(seconds(done));
    if (o_.open_loop) stats_.part.send_lag.record_us(micros(sent - intended));
    if (!res.ok()) {
      ++stats_.part.errors[res.error().path];
      ++row.failed;
      c_.failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (res->status < 200 || res->status > 299) {
      ++stats_.part.failed_by_code[res->status];
      ++row.failed;
      c_.failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    ++stats_.part.completed;
    const std::uint64_t latency = micros(done - intended);
    stats_.part.latency.record_us(latency);
    stats_.part.service_time.record_us(micros(done - sent));
    ++row.ok;
    row.latency_sum_ms += latency / 1000.0;
    row.latency_max_ms = std::max(row.latency_max_ms, latency / 1000.0);
    c_.ok.fetch_add(1, std::memory_order_relaxed);
  }

  WorkerStats& stats() { return stats_; }

 private:
  double seconds(clock_type::time_point t) const {
    return std::chrono::duration<double>(t - start_).count();
  }

  const LoadOptions& o_;
  Counters& c_;
  clock_type::time_point start_;
  metrics::HttpClient client_;
  WorkerStats stats_;
};

void merge_into(LoadSummary& into, const LoadSummary& part) {
  into.requests += part.requests;
  into.completed += part.completed;
  for (const auto& [k, v] : part.failed_by_code) into.failed_by_code[k] += v;
  for (const auto& [k, v] : part.errors) into.errors[k] += v;
  for (const auto& [k, v] : part.by_endpoint) into.by_endpoint[k] += v;
  into.latency.merge(part.latency);
  into.service_time.merge(part.service_time);
  into.send_lag.merge(part.send_lag);
  if (into.timeline.size() < part.timeline.size()) into.timeline.resize(part.timeline.size());
  for (std::size_t i = 0; i < part.timeline.size(); ++i) {
    TimelineRow& a = into.timeline[i];
    const TimelineRow& b = part.timeline[i];
    a.sent += b.sent;
    a.ok += b.ok;
    a.failed += b.failed;
    a.latency_sum_ms += b.latency_sum_ms;
    a.latency_max_ms = std::max(a.latency_max_ms, b.latency_max_ms);
  }
}

}  // namespace

LoadSummary run_load(const LoadOptions& o, const std::function<void(const Progress&)>& progress) {
  Counters counters;
  const auto start = clock_type::now() + std::chrono::milliseconds(20);
  const int n_workers = std::max(1, o.open_loop ? o.connections : o.workers);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < n_workers; ++i)
    workers.push_back(std::make_unique<Worker>(o, counters, start));

  // The open loop's endpoint for request i is fixed before the run, like its send time.
  std::vector<double> picks;
  if (o.open_loop) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    picks.resize(o.schedule.size());
    for (double& p : picks) p = u(rng);
  }
  std::atomic<std::size_t> next{0};
  const auto deadline = start + std::chrono::duration_cast<clock_type::duration>(
                                    std::chrono::duration<double>(o.duration_s));

  std::vector<std::thread> threads;
  for (int w = 0; w < n_workers; ++w) {
    threads.emplace_back([&, w] {
      Worker& worker = *workers[w];
      if (o.open_loop) {
        for (;;) {
          const std::size_t i = next.fetch_add(1);
          if (i >= o.schedule.size()) break;
          const auto intended = start + std::chrono::duration_cast<clock_type::duration>(
                                            std::chrono::duration<double>(o.schedule[i]));
          std::this_thread::sleep_until(intended);
          worker.exchange(o.mix.pick(picks[i]), intended);
        }
        return;
      }
      std::mt19937_64 rng(o.seed * 1000003u + static_cast<std::uint64_t>(w));
      std::uniform_real_distribution<double> u(0.0, 1.0);
      std::this_thread::sleep_until(start);
      while (clock_type::now() < deadline) {
        worker.exchange(o.mix.pick(u(rng)), clock_type::now());
        if (o.think_ms > 0) {
          std::this_thread::sleep_until(std::min(
              deadline, clock_type::now() + std::chrono::microseconds(
                                                static_cast<std::int64_t>(o.think_ms * 1000))));
        }
      }
    });
  }

  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread monitor;
  if (progress) {
    monitor = std::thread([&] {
      std::unique_lock lock(mu);
      for (int tick = 1;; ++tick) {
        if (cv.wait_until(lock, start + std::chrono::seconds(tick), [&] { return finished; }))
          return;
        progress(Progress{std::chrono::duration<double>(clock_type::now() - start).count(),
                          counters.sent.load(), counters.ok.load(), counters.failed.load()});
      }
    });
  }
  for (auto& t : threads) t.join();
  {
    std::lock_guard lock(mu);
    finished = true;
  }
  cv.notify_all();
  if (monitor.joinable()) monitor.join();

  LoadSummary out;
  out.open_loop = o.open_loop;
  out.duration_s = o.duration_s;
  clock_type::time_point last = start;
  for (auto& w : workers) {
    merge_into(out, w->stats().part);
    last = std::max(last, w->stats().last_done);
  }
  out.elapsed_s = std::max(o.duration_s, std::chrono::duration<double>(last - start).count());
  if (o.open_loop && o.duration_s > 0) out.offered_rps = o.schedule.size() / o.duration_s;
  return out;
}

}  // namespace userscale::loadgen
