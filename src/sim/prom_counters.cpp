#include "sim/prom_counters.h"

namespace userscale::sim {

WindowStats window_stats(const PromSample& older, const PromSample& newer) {
  WindowStats w;
  w.window = newer.time - older.time;
  if (w.window <= 0.0) return w;
  const auto& a = older.counters;
  const auto& b = newer.counters;
  w.arrival_rate = static_cast<double>(b.arrivals - a.arrivals) / w.window;
  const auto done = b.completions - a.completions;
  w.completion_rate = static_cast<double>(done) / w.window;
  if (done > 0) {
    w.has_latency = true;
    w.latency_mean_s = (b.latency_sum - a.latency_sum) / static_cast<double>(done);
  }
  for (std::size_t i = 0; i < w.buckets.size(); ++i) w.buckets[i] = b.buckets[i] - a.buckets[i];
  return w;
}

// histogram_quantile(): linear interpolation inside the bucket that holds the rank; the +Inf
// bucket answers with the highest finite bound.
double WindowStats::quantile_s(double q) const {
  std::uint64_t total = 0;
  for (auto c : buckets) total += c;
  if (total == 0) return 0.0;
  const double rank = q * static_cast<double>(total);
  double seen = 0.0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const double next = seen + static_cast<double>(buckets[i]);
    if (next >= rank && buckets[i] > 0) {
      if (i + 1 == buckets.size()) return kPromBuckets[i - 1];
      const double lo = i == 0 ? 0.0 : kPromBuckets[i - 1];
      const double hi = kPromBuckets[i];
      return lo + (hi - lo) * (rank - seen) / static_cast<double>(buckets[i]);
    }
    seen = next;
  }
  return kPromBuckets[buckets.size() - 2];
}

}  // namespace userscale::sim
