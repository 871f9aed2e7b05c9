// The serving counters a workload exposes on /metrics, and the samples Prometheus keeps of
// them, so that policies see rates and latency quantiles over a window, as PromQL gives them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace userscale::sim {

// Histogram bucket upper bounds in seconds (the last is +Inf).
inline constexpr std::array<double, 17> kPromBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1e300};

struct PromCounters {
  std::uint64_t arrivals = 0;
  std::uint64_t completions = 0;
  std::uint64_t failures = 0;
  double latency_sum = 0.0;
  std::array<std::uint64_t, kPromBuckets.size()> buckets{};  // non-cumulative

  void observe(double latency) { observe_at(bucket_of(latency), latency); }
  // observe() with the bucket already known (the pod's and the service's counters see the
  // same latency).
  void observe_at(std::size_t bucket, double latency) {
    ++completions;
    latency_sum += latency;
    ++buckets[bucket];
  }
  static std::size_t bucket_of(double latency) {
    std::size_t b = 0;
    while (latency > kPromBuckets[b]) ++b;
    return b;
  }
};

struct PromSample {
  double time = 0.0;
  PromCounters counters;
  double in_flight = 0.0;
  double queued = 0.0;
};

// Rates and quantiles between two samples (the window of rate() / histogram_quantile()).
struct WindowStats {
  double window = 0.0;
  double arrival_rate = 0.0;
  double completion_rate = 0.0;
  double latency_mean_s = 0.0;  // 0 when nothing completed
  bool has_latency = false;
  double quantile_s(double q) const;
  std::array<std::uint64_t, kPromBuckets.size()> buckets{};
};
WindowStats window_stats(const PromSample& older, const PromSample& newer);

// The last few scrapes of one target.
class ScrapeRing {
 public:
  void reset(std::size_t capacity) {
    ring_.assign(capacity < 2 ? 2 : capacity, PromSample{});
    count_ = head_ = 0;
  }
  void push(const PromSample& s) {
    ring_[head_] = s;
    head_ = (head_ + 1) % ring_.size();
    if (count_ < ring_.size()) ++count_;
  }
  bool empty() const { return count_ == 0; }
  const PromSample& latest() const { return ring_[(head_ + ring_.size() - 1) % ring_.size()]; }
  const PromSample& oldest() const { return ring_[(head_ + ring_.size() - count_) % ring_.size()]; }

 private:
  std::vector<PromSample> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace userscale::sim
