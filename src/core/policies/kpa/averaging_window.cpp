#include "core/policies/kpa/averaging_window.h"

namespace userscale::kpa {
namespace {

std::variant<TimedFloat64Buckets, WeightedFloat64Buckets> make_impl(std::int64_t window_seconds,
                                                                    Aggregation aggregation) {
  if (aggregation == Aggregation::WeightedExponential) {
    return WeightedFloat64Buckets(window_seconds);
  }
  return TimedFloat64Buckets(window_seconds);
}

}  // namespace

AveragingWindow::AveragingWindow(std::int64_t window_seconds, Aggregation aggregation)
    : impl_(make_impl(window_seconds, aggregation)) {}

void AveragingWindow::record(Time t, double value) {
  std::visit([&](auto& w) { w.record(t, value); }, impl_);
}

double AveragingWindow::window_average(Time now) const {
  return std::visit([&](const auto& w) { return w.window_average(now); }, impl_);
}

bool AveragingWindow::is_empty(Time now) const {
  return std::visit([&](const auto& w) { return w.is_empty(now); }, impl_);
}

}  // namespace userscale::kpa
