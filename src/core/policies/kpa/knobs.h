// The KPA's knobs under their Knative names (config-autoscaler keys and autoscaling.knative.dev
// annotations, kpa-spec.md §2), with their defaults and valid ranges. One table serves every
// way a knob is written: JSON in decision cases, text in a GPUAutoscaler's policy params.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "core/timefmt.h"

namespace userscale::kpa {

enum class ScalingMetric { Concurrency, Rps };
enum class Aggregation { Linear, WeightedExponential };

std::string_view metric_name(ScalingMetric metric);

struct KpaKnobs {
  ScalingMetric metric = ScalingMetric::Concurrency;
  std::optional<double> target;  // annotation `target`: per-pod total, replaces the defaults
  double target_utilization_percentage = 70;
  std::int32_t container_concurrency = 0;  // 0 = unlimited
  double container_concurrency_target_default = 100;
  double requests_per_second_target_default = 200;
  double target_burst_capacity = 211;  // >= 0, or -1 (activator always in the path)
  double panic_threshold_percentage = 200;
  std::int64_t stable_window_seconds = 60;
  double panic_window_percentage = 10;
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  std::int64_t scale_down_delay_seconds = 0;
  std::int32_t activation_scale = 0;  // 0 or 1 = none
  bool reachable = true;
  double activator_capacity = 100;
  Aggregation aggregation = Aggregation::Linear;
  // Reconciler knobs (kpa-spec.md §9): validated and kept, not used by the decider.
  bool enable_scale_to_zero = true;
  double scale_to_zero_grace_period_seconds = 30;
  double scale_to_zero_pod_retention_period_seconds = 0;
  std::int32_t min_scale = 0;
  std::int32_t max_scale = 0;
  std::int32_t initial_scale = 1;
  bool allow_zero_initial_scale = false;
};

// How a knob is written.
enum class KnobKind {
  Number,          // a real number
  NullableNumber,  // a real number, or null for "unset"
  Integer,         // a whole number
  Seconds,         // a duration in seconds (text may also be a Go duration: "60s", "1m")
  Bool,
  Word,  // one of a few names
};

// What a knob is set to, as written: null, a number, a boolean or a word.
using KnobValue = std::variant<std::monostate, double, bool, std::string>;

// Every knob name, in the order of kpa-cases.md.
const std::vector<std::string_view>& knob_names();
// nullopt for an unknown name.
std::optional<KnobKind> knob_kind(std::string_view name);
// "number", "number or null", "boolean", ... for "expected ..." messages.
std::string_view describe_kind(KnobKind kind);

// Sets one knob, checking its type and range. Errors name the knob in `path`, e.g.
// {"stable-window", "must be a whole number of seconds in 6..3600, got 5"}.
Status set_knob(KpaKnobs& knobs, std::string_view name, const KnobValue& value);

// Sets one knob from text ("60s", "60", "0.5", "true", "rps"; "null" unsets `target`).
Status set_knob_from_text(KpaKnobs& knobs, std::string_view name, std::string_view text);

// Rules between knobs (min-scale <= max-scale when max-scale > 0; initial-scale 0 only with
// allow-zero-initial-scale). The path names the knob at fault.
Status validate_knob_relations(const KpaKnobs& knobs);

// Policy params (text map) -> knobs: each key a knob name, each value text; then the
// relations. Errors name the knob.
Result<KpaKnobs> knobs_from_params(const std::map<std::string, std::string>& params);

// A number as a user wrote it: "5", "0.75", "13.333333333333334".
std::string format_number(double value);

}  // namespace userscale::kpa
