#include "loadgen/arrivals.h"

#include <cmath>
#include <random>

namespace userscale::loadgen {

std::vector<double> arrival_times(const RateCurve& rate, double max_rate, double duration_s,
                                  Arrival kind, std::uint64_t seed) {
  std::vector<double> out;
  if (duration_s <= 0 || max_rate <= 0) return out;
  if (kind == Arrival::Poisson) {
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(max_rate);
    std::uniform_real_distribution<double> accept(0.0, 1.0);
    for (double t = gap(rng); t < duration_s; t += gap(rng)) {
      if (accept(rng) * max_rate < rate(t)) out.push_back(t);
    }
    return out;
  }
  // Constant: integrate the rate in small steps; a request at each whole unit of the integral.
  const double step = std::min(0.001, 0.1 / max_rate);
  // Sums of many small steps drift; a send time within a nanosecond of the end is the end.
  const double end = duration_s - 1e-9;
  double integral = 0.0;
  double next = 0.0;  // the first request at t = 0
  for (double t = 0.0; t < end;) {
    while (integral >= next - 1e-9 && t < end) {
      out.push_back(t);
      next += 1.0;
    }
    const double r = std::max(0.0, rate(t));
    if (r > 0 && integral + r * step >= next) {
      // Land exactly where the integral reaches `next` within this step.
      const double dt = (next - integral) / r;
      t += dt;
      integral = next;
    } else {
      integral += r * step;
      t += step;
    }
  }
  return out;
}

RateCurve flat_rate(double rate) {
  return [rate](double) { return rate; };
}

RateCurve ramp_rate(double rate, double duration_s) {
  return
      [rate, duration_s](double t) { return rate * (0.1 + 0.9 * std::min(1.0, t / duration_s)); };
}

RateCurve spike_rate(double rate, double duration_s) {
  return [rate, duration_s](double t) {
    return (t >= 0.4 * duration_s && t < 0.6 * duration_s) ? rate : rate / 4.0;
  };
}

RateCurve burst_rate(double rate, double on_s, double off_s) {
  return [rate, on_s, off_s](double t) {
    return std::fmod(t, on_s + off_s) < on_s ? rate : rate / 10.0;
  };
}

RateCurve stepped_rate(std::vector<double> counts, double step_s, double speedup) {
  return [counts = std::move(counts), step_s, speedup](double t) {
    const auto i = static_cast<std::size_t>(t * speedup / step_s);
    return i < counts.size() ? counts[i] * speedup / step_s : 0.0;
  };
}

}  // namespace userscale::loadgen
