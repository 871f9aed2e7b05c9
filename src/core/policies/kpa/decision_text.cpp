#include "core/policies/kpa/decision_text.h"

#include <algorithm>
#include <cmath>

#include "core/policies/kpa/knobs.h"

namespace userscale::kpa {
namespace {

std::string n(double v) {
  return format_number(v);
}

std::string pods(double v) {
  return n(v) + (v == 1 ? " pod" : " pods");
}

// Which rule set a want apart from its raw wish.
std::string bound_of(double wish, std::int32_t want, const DecisionTrace& t,
                     const DeciderSpec& spec) {
  const double clamped = std::min(std::max(wish, t.max_scale_down), t.max_scale_up);
  if (want > clamped) return "raised to activation-scale " + n(spec.activation_scale);
  if (wish > t.max_scale_up) {
    return "capped by max-scale-up-rate " + n(spec.max_scale_up_rate) + " x " +
           pods(t.pods_for_ratios) + " = " + n(t.max_scale_up);
  }
  if (wish < t.max_scale_down) {
    return "raised by max-scale-down-rate: " + pods(t.pods_for_ratios) + " / " +
           n(spec.max_scale_down_rate) + " = " + n(t.max_scale_down);
  }
  return "";
}

std::string metric_word(const DeciderSpec& spec) {
  return spec.metric == ScalingMetric::Rps ? "rps" : "concurrency";
}

}  // namespace

std::string summarize_decision(const DecisionTrace& t, const DeciderSpec& spec) {
  if (!t.valid) return std::string("no decision: ") + t.invalid_reason;
  std::string line;
  if (t.in_panic) {
    const std::string why = t.over_threshold
                                ? "panic value " + n(t.panic) + " >= " + n(spec.panic_threshold) +
                                      "x " + pods(t.pods_for_ratios)
                                : "panic holds until a stable window without a burst";
    if (t.panic_change == PanicChange::Started) {
      line = "panic started: " + pods(t.before_delay) + " (" + why + ")";
    } else if (t.before_delay > std::max(t.stable_want, t.panic_want)) {
      line = "panic: " + pods(t.before_delay) + " held (" + why + ")";
    } else {
      line = "panic: " + pods(t.before_delay) + " (" + why + ")";
    }
  } else {
    line = (t.panic_change == PanicChange::Ended ? "panic ended; stable: " : "stable: ") +
           pods(t.before_delay) + " (stable value " + n(t.stable) + " / target " +
           n(spec.target_value);
    const std::string bound = bound_of(t.stable_wish, t.stable_want, t, spec);
    line += bound.empty() ? ")" : ", " + bound + ")";
  }
  if (t.desired != t.before_delay) {
    line += "; scale-down-delay holds " + n(t.desired);
  }
  return line;
}

std::string explain_decision(const DecisionTrace& t, const DeciderSpec& spec) {
  std::string out;
  if (!t.valid) {
    out += std::string("no decision: ") + t.invalid_reason + "; panic state unchanged (" +
           (t.in_panic ? "panicking" : "not panicking") + ")\n";
    return out;
  }
  const std::string metric = metric_word(spec);
  out += "windows: stable " + metric + " " + n(t.stable) + " over " +
         n(static_cast<double>(spec.stable_window_seconds)) + " s, panic " + n(t.panic) + " over " +
         n(static_cast<double>(spec.panic_window_seconds)) + " s; target " + n(spec.target_value) +
         " per pod\n";
  out += "ready pods: " + n(t.ready_pods) + " (ratios use " + n(t.pods_for_ratios) +
         "); rate limits: up to " + n(t.max_scale_up) + ", down to " + n(t.max_scale_down) +
         (spec.reachable ? "" : " (unreachable)") + "\n";
  const std::string sb = bound_of(t.stable_wish, t.stable_want, t, spec);
  const std::string pb = bound_of(t.panic_wish, t.panic_want, t, spec);
  out += "wishes: stable ceil(" + n(t.stable) + " / " + n(spec.target_value) +
         ") = " + n(t.stable_wish) + " -> " + n(t.stable_want) +
         (sb.empty() ? "" : " (" + sb + ")") + "; panic ceil(" + n(t.panic) + " / " +
         n(spec.target_value) + ") = " + n(t.panic_wish) + " -> " + n(t.panic_want) +
         (pb.empty() ? "" : " (" + pb + ")") + "\n";
  out += "panic test: " + n(t.panic_wish) + " / " + n(t.pods_for_ratios) + " = " +
         n(t.panic_wish / t.pods_for_ratios) + (t.over_threshold ? " >= " : " < ") +
         n(spec.panic_threshold) + "; ";
  switch (t.panic_change) {
    case PanicChange::Started:
      out += "panic starts";
      break;
    case PanicChange::Extended:
      out += "panic extended to now";
      break;
    case PanicChange::Ended:
      out += "panic ends (a stable window since the last burst)";
      break;
    case PanicChange::None:
      out += t.in_panic ? "still panicking (within a stable window of the last burst)"
                        : "not panicking";
      break;
  }
  out += "\n";
  if (t.in_panic) {
    out += "desired: max(" + n(t.stable_want) + ", " + n(t.panic_want) +
           "), never below this panic's high-water mark -> " + n(t.before_delay) + "\n";
  } else {
    out += "desired: the stable want " + n(t.before_delay) + "\n";
  }
  if (t.desired != t.before_delay) {
    out += "scale-down-delay: " + n(t.before_delay) + " wanted, but the window still holds " +
           n(t.desired) + "\n";
  }
  if (spec.target_burst_capacity > 0) {
    out += "excess burst capacity: floor(" + n(t.ready_pods) + " x " + n(spec.total_value) + " - " +
           n(spec.target_burst_capacity) + " - " + n(t.panic) +
           ") = " + n(t.excess_burst_capacity) + "\n";
  } else {
    out += "excess burst capacity: " + n(t.excess_burst_capacity) + " (target-burst-capacity " +
           n(spec.target_burst_capacity) + ")\n";
  }
  return out;
}

}  // namespace userscale::kpa
