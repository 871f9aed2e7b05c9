// Draws from a scenario's DistSpec with the simulator's own generator.
#pragma once

#include <algorithm>

#include "config/scenario.h"
#include "sim/rng.h"

namespace userscale::sim {

inline double sample(const config::DistSpec& d, Rng& rng) {
  using config::DistKind;
  switch (d.kind) {
    case DistKind::Constant:
      return d.a;
    case DistKind::Uniform:
      return rng.uniform(d.a, d.b);
    case DistKind::Exponential:
      return rng.exponential(d.a);
    case DistKind::LogNormal:
      return rng.lognormal_mean_cv(d.a, d.b);
    case DistKind::Normal:
      return std::max(0.0, rng.normal(d.a, d.b));
    case DistKind::Gamma: {
      if (d.b <= 0.0) return d.a;
      const double shape = 1.0 / (d.b * d.b);
      return rng.gamma(shape) * d.a / shape;
    }
  }
  return d.a;
}

}  // namespace userscale::sim
