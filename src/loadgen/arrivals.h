// When an open-loop load sends its requests: the intended send times, fixed before the run,
// so that a slow server cannot delay the schedule (no coordinated omission).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/result.h"

namespace userscale::loadgen {

enum class Arrival { Constant, Poisson };

// Requests per second as a function of seconds since the start.
using RateCurve = std::function<double(double t)>;

// Send times in seconds in [0, duration) for a rate curve. Constant: the k-th request when the
// integral of the rate reaches k (evenly spaced for a flat rate, starting at 0). Poisson: a
// non-homogeneous Poisson process (thinning against `max_rate`), deterministic for a seed.
std::vector<double> arrival_times(const RateCurve& rate, double max_rate, double duration_s,
                                  Arrival kind, std::uint64_t seed);

// Rate curves of the scenarios, peaking at `rate`:
RateCurve flat_rate(double rate);
// Linear from `rate`/10 to `rate` over the duration.
RateCurve ramp_rate(double rate, double duration_s);
// `rate`/4, with `rate` for the middle fifth of the duration.
RateCurve spike_rate(double rate, double duration_s);
// Cycles of `on_s` at `rate` and `off_s` at `rate`/10.
RateCurve burst_rate(double rate, double on_s, double off_s);
// Piecewise constant: `counts[i]` requests spread over [i * step_s, (i + 1) * step_s).
RateCurve stepped_rate(std::vector<double> counts, double step_s, double speedup);

}  // namespace userscale::loadgen
