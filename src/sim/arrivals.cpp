#include "sim/arrivals.h"

#include <algorithm>
#include <cmath>

namespace userscale::sim {

using config::LoadKind;

double curve_rate(const config::LoadSpec& l, double t) {
  switch (l.kind) {
    case LoadKind::Constant:
    case LoadKind::Poisson:
      return l.rate;
    case LoadKind::Ramp: {
      if (t <= l.start) return l.from_rate;
      if (l.length <= 0.0 || t >= l.start + l.length) return l.to_rate;
      return l.from_rate + (l.to_rate - l.from_rate) * (t - l.start) / l.length;
    }
    case LoadKind::Burst: {
      double s = t - l.start;
      if (s < 0.0) return l.rate;
      if (l.repeat && l.period > 0.0) s = std::fmod(s, l.period);
      return s < l.length ? l.peak_rate : l.rate;
    }
    case LoadKind::Spike: {
      // A triangle: base -> peak over the first half of `length`, back over the second.
      const double s = t - l.start;
      if (s < 0.0 || s >= l.length || l.length <= 0.0) return l.rate;
      const double half = 0.5 * l.length;
      const double f = s < half ? s / half : (l.length - s) / half;
      return l.rate + (l.peak_rate - l.rate) * f;
    }
    case LoadKind::Diurnal: {
      const double x = 2.0 * M_PI * (t - l.phase) / l.period;
      return std::max(0.0, l.rate * (1.0 + l.amplitude * std::sin(x)));
    }
    case LoadKind::Closed:
    case LoadKind::Trace:
      return 0.0;
  }
  return 0.0;
}

double curve_max_rate(const config::LoadSpec& l) {
  switch (l.kind) {
    case LoadKind::Ramp:
      return std::max(l.from_rate, l.to_rate);
    case LoadKind::Burst:
    case LoadKind::Spike:
      return std::max(l.rate, l.peak_rate);
    case LoadKind::Diurnal:
      return l.rate * (1.0 + std::abs(l.amplitude));
    default:
      return l.rate;
  }
}

ArrivalStream::ArrivalStream(const config::LoadSpec& load, const config::Trace* trace, Rng rng)
    : load_(load), trace_(trace), rng_(rng), max_rate_(curve_max_rate(load)) {
  if (load_.kind != LoadKind::Trace || !trace_) return;
  if (trace_->format == config::Trace::Format::Requests) {
    // Skip the rows before the offset.
    const auto& rows = trace_->requests;
    index_ = static_cast<std::size_t>(
        std::lower_bound(rows.begin(), rows.end(), load_.trace_offset,
                         [](const config::TraceRequest& r, double t) { return r.t < t; }) -
        rows.begin());
  } else {
    index_ = static_cast<std::size_t>(std::max(0.0, std::floor(load_.trace_offset / 60.0)));
  }
}

Arrival ArrivalStream::next() {
  if (load_.kind == LoadKind::Trace) {
    if (!trace_) return Arrival{};
    return trace_->format == config::Trace::Format::Requests ? next_trace_requests()
                                                             : next_trace_minutes();
  }
  return next_curve();
}

Arrival ArrivalStream::next_curve() {
  if (max_rate_ <= 0.0) return Arrival{};
  if (load_.process == config::ArrivalProcess::Uniform) {
    // Evenly spaced at the rate in force now; a zero rate waits for the curve to come back.
    double r = curve_rate(load_, t_);
    int guard = 0;
    while (r <= 0.0 && guard++ < 1000000) {
      t_ += 1.0;
      r = curve_rate(load_, t_);
    }
    if (r <= 0.0) return Arrival{};
    t_ += 1.0 / r;
    return Arrival{t_, -1, -1};
  }
  if (load_.kind == LoadKind::Constant || load_.kind == LoadKind::Poisson) {
    t_ += rng_.exponential(1.0 / max_rate_);
    return Arrival{t_, -1, -1};
  }
  // A non-homogeneous Poisson process by thinning (Lewis and Shedler).
  for (;;) {
    t_ += rng_.exponential(1.0 / max_rate_);
    if (rng_.uniform() * max_rate_ < curve_rate(load_, t_)) return Arrival{t_, -1, -1};
  }
}

Arrival ArrivalStream::next_trace_requests() {
  const auto& rows = trace_->requests;
  while (copies_left_ == 0) {
    if (index_ >= rows.size()) return Arrival{};
    const auto& r = rows[index_++];
    // rate_scale k: floor(k) copies, and one more with probability frac(k).
    const double k = load_.rate_scale;
    copies_left_ = static_cast<int>(std::floor(k));
    if (rng_.uniform() < k - std::floor(k)) ++copies_left_;
    pending_ =
        Arrival{(r.t - load_.trace_offset) * load_.time_scale, r.input_tokens, r.output_tokens};
  }
  --copies_left_;
  return pending_;
}

Arrival ArrivalStream::next_trace_minutes() {
  const auto& counts = trace_->minute_counts;
  const double minute_len = 60.0 * load_.time_scale;
  for (;;) {
    if (index_ >= counts.size()) return Arrival{};
    const double start = (static_cast<double>(index_) - load_.trace_offset / 60.0) * minute_len;
    const double end = start + minute_len;
    if (t_ < start) t_ = start;
    const double rate = counts[index_] * load_.rate_scale / minute_len;
    if (rate > 0.0) {
      const double t = t_ + rng_.exponential(1.0 / rate);
      if (t < end) {
        t_ = t;
        return Arrival{t_, -1, -1};
      }
    }
    // Memoryless: restart the next minute's process at its boundary.
    t_ = end;
    ++index_;
  }
}

}  // namespace userscale::sim
