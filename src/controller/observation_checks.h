// The controller's checks of an observation before a policy sees it (docs/fault-matrix.md):
// a value no real source can produce (NaN, infinite, negative, absurdly large) means the
// source is broken, so the tick holds; and how many ready pods reported a fresh sample, so that
// a scale-down never rests on a minority of the pods. Pure.
#pragma once

#include <optional>
#include <string>

#include "core/observation.h"

namespace userscale::controller {

// Larger than any count, rate, latency (ms), percentage or byte count a serving replica or a
// GPU reports (1 TB of GPU memory is 1e12 bytes): past it a value is a unit or parsing error.
inline constexpr double kAbsurdSignal = 1e15;

// The first impossible value, named ("pod replica-2: requests_in_flight is negative (-5)"), or
// nullopt when every present value is a finite number in [0, kAbsurdSignal].
std::optional<std::string> find_invalid_signal(const Observation& obs);

struct Coverage {
  int ready = 0;      // ready pods
  int reporting = 0;  // of them, with a serving sample no older than the limit
  bool complete() const { return reporting >= ready; }
};
Coverage sample_coverage(const Observation& obs, Time now, Duration staleness_limit);

}  // namespace userscale::controller
