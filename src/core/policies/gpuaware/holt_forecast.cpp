#include "core/policies/gpuaware/holt_forecast.h"

#include <algorithm>

namespace userscale {

void HoltForecaster::update(Time time, double value) {
  if (level_ && time <= last_) return;
  if (!level_ || time - last_ > max_gap_) {
    level_ = value;
    trend_ = 0;
    last_ = time;
    return;
  }
  const double dt = time - last_;
  const double previous = *level_;
  level_ = alpha_ * value + (1 - alpha_) * (previous + trend_ * dt);
  trend_ = beta_ * (*level_ - previous) / dt + (1 - beta_) * trend_;
  last_ = time;
}

std::optional<double> HoltForecaster::forecast(Duration horizon) const {
  if (!level_) return std::nullopt;
  return std::max(0.0, *level_ + trend_ * horizon);
}

}  // namespace userscale
