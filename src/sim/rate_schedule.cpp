#include "sim/rate_schedule.h"

#include <algorithm>
#include <cmath>

#include "sim/arrivals.h"

namespace userscale::sim {
namespace {

// Curves are deterministic: a bucket reads its highest rate, sampled every second and at its
// ends, so that a burst's edge inside a bucket is not averaged away.
std::vector<double> curve_buckets(const config::LoadSpec& load, double bucket, std::size_t n) {
  std::vector<double> rates(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t0 = static_cast<double>(i) * bucket;
    double best = 0.0;
    for (double t = t0; t <= t0 + bucket; t += 1.0) best = std::max(best, curve_rate(load, t));
    best = std::max(best, curve_rate(load, t0 + bucket));
    rates[i] = best;
  }
  return rates;
}

// A trace's rate per bucket: its arrivals there (time-shifted and scaled as the replay does),
// times the rate scale, over the bucket's length.
std::vector<double> trace_buckets(const config::LoadSpec& load, const config::Trace& trace,
                                  double bucket, std::size_t n) {
  std::vector<double> rates(n, 0.0);
  auto add = [&](double t, double count) {
    if (t < 0.0) return;
    const auto i = static_cast<std::size_t>(t / bucket);
    if (i < n) rates[i] += count * load.rate_scale / bucket;
  };
  if (trace.format == config::Trace::Format::Requests) {
    for (const auto& r : trace.requests) add((r.t - load.trace_offset) * load.time_scale, 1.0);
  } else {
    // Per-minute counts: spread each minute's arrivals over the buckets it covers.
    const double minute = 60.0 * load.time_scale;
    const auto first = static_cast<std::size_t>(std::max(0.0, std::floor(load.trace_offset / 60)));
    for (std::size_t m = first; m < trace.minute_counts.size(); ++m) {
      const double start = static_cast<double>(m - first) * minute;
      const int pieces = std::max(1, static_cast<int>(std::ceil(minute / bucket)));
      for (int k = 0; k < pieces; ++k) {
        add(start + (k + 0.5) * minute / pieces, trace.minute_counts[m] / pieces);
      }
    }
  }
  return rates;
}

}  // namespace

RateSchedule::RateSchedule(const config::LoadSpec& load, const config::Trace* trace,
                           double horizon) {
  const bool replay = load.kind == config::LoadKind::Trace && trace != nullptr;
  // A trace's counts are noisy over short spans (the noise is the queueing model's business),
  // so it is read per minute of simulated time; curves per 10 s.
  bucket_ = replay ? 60.0 : 10.0;
  const auto n = static_cast<std::size_t>(std::ceil(std::max(horizon, bucket_) / bucket_));
  rates_ = replay ? trace_buckets(load, *trace, bucket_, n) : curve_buckets(load, bucket_, n);
}

double RateSchedule::peak(double t0, double t1) const {
  if (rates_.empty()) return 0.0;
  const std::size_t last = rates_.size() - 1;
  const auto index = [&](double t) {
    return std::min(last, static_cast<std::size_t>(std::max(0.0, t) / bucket_));
  };
  const std::size_t a = index(t0);
  const std::size_t b = std::max(a, index(t1));
  return *std::max_element(rates_.begin() + static_cast<std::ptrdiff_t>(a),
                           rates_.begin() + static_cast<std::ptrdiff_t>(b) + 1);
}

}  // namespace userscale::sim
