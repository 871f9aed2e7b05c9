#include "core/policies/kpa/decider.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace userscale::kpa {
namespace {

// Go converts these float64 results with int32(...); saturate instead of overflowing.
std::int32_t to_int32(double v) {
  constexpr double kMax = std::numeric_limits<std::int32_t>::max();
  constexpr double kMin = std::numeric_limits<std::int32_t>::min();
  if (std::isnan(v)) return 0;
  return static_cast<std::int32_t>(std::clamp(std::trunc(v), kMin, kMax));
}

}  // namespace

Decider::Decider(DeciderSpec spec, Time created_at, std::optional<std::int32_t> initial_ready_pods)
    : spec_(spec) {
  const std::int32_t count = initial_ready_pods.value_or(0);
  if (count > 1) panic_time_ = created_at;
  max_panic_pods_ = count;
  if (spec_.scale_down_delay_seconds > 0) {
    delay_window_.emplace(spec_.scale_down_delay_seconds, kTickSeconds);
  }
}

ScaleResult Decider::scale(Time now, std::optional<StableAndPanic> observed,
                           std::optional<std::int32_t> ready_pods) {
  trace_ = DecisionTrace{};
  if (!ready_pods) {
    trace_.invalid_reason = "the ready pod count is unavailable";
    trace_.in_panic = in_panic();
    return ScaleResult{};
  }
  if (!observed) {
    trace_.invalid_reason = "no metrics to scale on";
    trace_.in_panic = in_panic();
    return ScaleResult{};
  }
  DecisionTrace& t = trace_;
  t.valid = true;
  t.stable = observed->stable;
  t.panic = observed->panic;
  t.ready_pods = *ready_pods;
  // A revision at zero pods counts as one for every ratio.
  const double pods = std::max(1.0, static_cast<double>(*ready_pods));
  t.pods_for_ratios = pods;

  // The ceil lets a slow rate (1.1 x 2 pods) still grow by a pod.
  t.max_scale_up = std::ceil(spec_.max_scale_up_rate * pods);
  // An unreachable revision may drop straight to zero.
  t.max_scale_down = spec_.reachable ? std::floor(pods / spec_.max_scale_down_rate) : 0.0;

  t.stable_wish = std::ceil(observed->stable / spec_.target_value);
  t.panic_wish = std::ceil(observed->panic / spec_.target_value);
  std::int32_t stable_want =
      to_int32(std::min(std::max(t.stable_wish, t.max_scale_down), t.max_scale_up));
  std::int32_t panic_want =
      to_int32(std::min(std::max(t.panic_wish, t.max_scale_down), t.max_scale_up));

  // A non-zero wish is at least the activation scale; a zero wish stays zero.
  if (spec_.activation_scale > 1) {
    if (t.stable_wish > 0 && spec_.activation_scale > stable_want) {
      stable_want = spec_.activation_scale;
    }
    if (t.panic_wish > 0 && spec_.activation_scale > panic_want) {
      panic_want = spec_.activation_scale;
    }
  }
  t.stable_want = stable_want;
  t.panic_want = panic_want;

  // The unclamped panic wish against R, not R0.
  t.over_threshold = t.panic_wish / pods >= spec_.panic_threshold;
  if (!panic_time_ && t.over_threshold) {
    panic_time_ = now;
    t.panic_change = PanicChange::Started;
  } else if (t.over_threshold) {
    panic_time_ = now;
    t.panic_change = PanicChange::Extended;
  } else if (panic_time_ && *panic_time_ + static_cast<double>(spec_.stable_window_seconds) < now) {
    // The surge has had a whole stable window to reach the stable average.
    panic_time_.reset();
    max_panic_pods_ = 0;
    t.panic_change = PanicChange::Ended;
  }

  std::int32_t desired = stable_want;
  if (panic_time_) {
    // Provision for the larger of the two, and never go down while panicking.
    desired = std::max(desired, panic_want);
    max_panic_pods_ = std::max(max_panic_pods_, desired);
    desired = max_panic_pods_;
  }
  t.in_panic = panic_time_.has_value();
  t.before_delay = desired;

  if (spec_.reachable && delay_window_) {
    delay_window_->record(now, desired);
    desired = delay_window_->current();
  }
  t.desired = desired;

  double ebc = -1;
  if (spec_.target_burst_capacity == 0) {
    ebc = 0;
  } else if (spec_.target_burst_capacity > 0) {
    const double capacity = static_cast<double>(*ready_pods) * spec_.total_value;
    ebc = std::floor(capacity - spec_.target_burst_capacity - observed->panic);
  }
  t.excess_burst_capacity = to_int32(ebc);
  return ScaleResult{desired, t.excess_burst_capacity, true};
}

}  // namespace userscale::kpa
