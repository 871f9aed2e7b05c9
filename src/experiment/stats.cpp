#include "experiment/stats.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace userscale::experiment {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Continued fraction of the regularized incomplete beta function (modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return h;
}

// I_x(a, b).
double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

// P(T <= t) for t >= 0.
double student_t_cdf(double t, double df) {
  const double x = df / (df + t * t);
  return 1.0 - 0.5 * regularized_incomplete_beta(0.5 * df, 0.5, x);
}

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(p > 0.5 && p < 1.0) || !(df >= 1.0)) {
    throw std::invalid_argument("student_t_quantile: p must be in (0.5, 1) and df >= 1");
  }
  // The CDF is increasing in t: bisect. The 0.9995 quantile for df = 1 is 636.6.
  double lo = 0.0;
  double hi = 1.0;
  while (student_t_cdf(hi, df) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval confidence_interval(const std::vector<double>& values) {
  Interval ci;
  double sum = 0.0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++ci.n;
  }
  if (ci.n == 0) {
    ci.half_width = kInf;
    return ci;
  }
  ci.mean = sum / static_cast<double>(ci.n);
  if (ci.n < 2) {
    ci.half_width = kInf;
    return ci;
  }
  double squares = 0.0;
  for (double v : values) {
    if (!std::isnan(v)) squares += (v - ci.mean) * (v - ci.mean);
  }
  const double n = static_cast<double>(ci.n);
  ci.stddev = std::sqrt(squares / (n - 1.0));
  // Equal values summed in another order differ in the last bits; that is no spread.
  if (ci.stddev <= 1e-12 * std::fabs(ci.mean)) ci.stddev = 0.0;
  ci.half_width = student_t_quantile(0.975, n - 1.0) * ci.stddev / std::sqrt(n);
  return ci;
}

bool overlap(const Interval& a, const Interval& b) {
  return !(a.high() < b.low() || b.high() < a.low());
}

Verdict judge(const std::vector<Interval>& candidates, Better better) {
  Verdict v;
  if (better == Better::None) return v;
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].n == 0) continue;
    if (!best) {
      best = i;
      continue;
    }
    const double m = candidates[i].mean;
    const double b = candidates[*best].mean;
    if ((better == Better::Higher && m > b) || (better == Better::Lower && m < b)) best = i;
  }
  if (!best) return v;
  std::size_t contenders = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].n == 0) continue;
    ++contenders;
    if (i == *best || overlap(candidates[i], candidates[*best])) v.tied.push_back(i);
  }
  if (contenders > 1 && v.tied.size() == 1) v.winner = best;
  return v;
}

}  // namespace userscale::experiment
