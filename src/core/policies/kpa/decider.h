// The KPA decider: Knative's autoscaler.Scale (scaling/autoscaler.go), a pure function of the
// two window averages, the ready pod count, the spec, the time and three pieces of state: when
// panic last held, the most pods asked for in this panic, and the scale-down-delay window
// (kpa-spec.md §5, §7).
#pragma once

#include <cstdint>
#include <optional>

#include "core/policies/kpa/decider_spec.h"
#include "core/policies/kpa/max_time_window.h"
#include "core/timefmt.h"

namespace userscale::kpa {

// The averages of the configured metric at decision time: revision-wide totals.
struct StableAndPanic {
  double stable = 0;
  double panic = 0;
};

struct ScaleResult {
  std::int32_t desired_pod_count = 0;
  std::int32_t excess_burst_capacity = 0;
  bool valid = false;
};

enum class PanicChange { None, Started, Extended, Ended };

// Every intermediate value of one decision, for explanations and metric proposals.
struct DecisionTrace {
  bool valid = false;
  const char* invalid_reason = "";  // set when not valid
  double stable = 0;
  double panic = 0;
  std::int32_t ready_pods = 0;  // R0, as counted
  double pods_for_ratios = 1;   // R = max(1, R0)
  double max_scale_up = 0;
  double max_scale_down = 0;
  double stable_wish = 0;        // dspc = ceil(stable / target)
  double panic_wish = 0;         // dppc = ceil(panic / target)
  std::int32_t stable_want = 0;  // clamped, then raised to the activation scale
  std::int32_t panic_want = 0;
  bool over_threshold = false;
  PanicChange panic_change = PanicChange::None;
  bool in_panic = false;  // after this decision
  std::int32_t before_delay = 0;
  std::int32_t desired = 0;
  std::int32_t excess_burst_capacity = 0;
};

class Decider {
 public:
  // `initial_ready_pods`: ready pods counted at creation; nullopt when the count failed (then
  // 0). More than one starts in panic at `created_at` holding that many pods, because a
  // restarted autoscaler has no history and must not scale down before it has a window of data.
  // The delay window exists only when the spec's scale-down-delay is > 0 here.
  Decider(DeciderSpec spec, Time created_at, std::optional<std::int32_t> initial_ready_pods);

  // Replaces the spec (upstream Update); panic state and the delay window are kept.
  void update(const DeciderSpec& spec) { spec_ = spec; }

  // One decision. `observed` nullopt: metrics unavailable; `ready_pods` nullopt: the count
  // failed. Either makes the result invalid and leaves every piece of state untouched.
  ScaleResult scale(Time now, std::optional<StableAndPanic> observed,
                    std::optional<std::int32_t> ready_pods);
  ScaleResult scale(Time now, double stable, double panic, std::int32_t ready_pods) {
    return scale(now, StableAndPanic{stable, panic}, ready_pods);
  }

  bool in_panic() const { return panic_time_.has_value(); }
  std::optional<Time> panic_time() const { return panic_time_; }
  std::int32_t max_panic_pods() const { return max_panic_pods_; }
  bool has_delay_window() const { return delay_window_.has_value(); }
  const DeciderSpec& spec() const { return spec_; }
  const DecisionTrace& last_trace() const { return trace_; }

 private:
  DeciderSpec spec_;
  std::optional<Time> panic_time_;  // set while panicking: the last time over the threshold
  std::int32_t max_panic_pods_ = 0;
  std::optional<MaxTimeWindow> delay_window_;
  DecisionTrace trace_;
};

}  // namespace userscale::kpa
