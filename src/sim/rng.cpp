#include "sim/rng.h"

namespace userscale::sim {

double Rng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * f;
  has_spare_normal_ = true;
  return u * f;
}

double Rng::lognormal_mean_cv(double mean, double cv) {
  if (mean <= 0.0) return 0.0;
  if (cv <= 0.0) return mean;
  const double sigma2 = std::log1p(cv * cv);
  const double mu = std::log(mean) - 0.5 * sigma2;
  return std::exp(mu + std::sqrt(sigma2) * normal());
}

double Rng::gamma(double shape) {
  if (shape < 1.0) {
    // Boost to shape + 1 and scale back (Marsaglia and Tsang's note).
    const double u = uniform_open0();
    return gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform_open0();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

std::uint64_t Rng::poisson(double mean) {
  if (mean <= 0.0) return 0;
  if (mean < 30.0) {
    // Knuth's product of uniforms.
    const double limit = std::exp(-mean);
    std::uint64_t k = 0;
    double p = uniform_open0();
    while (p > limit) {
      ++k;
      p *= uniform_open0();
    }
    return k;
  }
  // Large means: the normal approximation with continuity correction is ample for arrival counts.
  const double x = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
  return x < 0.0 ? 0 : static_cast<std::uint64_t>(x);
}

}  // namespace userscale::sim
