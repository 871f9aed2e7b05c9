// Open-loop arrival streams: rate curves (constant, ramp, burst, spike, diurnal) as Poisson or
// evenly spaced arrivals, and trace replay (request-level rows, or per-minute counts spread as
// a Poisson process within each minute), time- and rate-scaled.
#pragma once

#include <cstdint>
#include <limits>

#include "config/scenario.h"
#include "config/trace.h"
#include "sim/rng.h"

namespace userscale::sim {

struct Arrival {
  double time = std::numeric_limits<double>::infinity();
  std::int32_t input_tokens = -1;
  std::int32_t output_tokens = -1;
};

// The rate (req/s) a curve asks for at time t, and its maximum (for thinning).
double curve_rate(const config::LoadSpec& load, double t);
double curve_max_rate(const config::LoadSpec& load);

class ArrivalStream {
 public:
  // `trace` must outlive the stream when the load kind is Trace.
  ArrivalStream(const config::LoadSpec& load, const config::Trace* trace, Rng rng);
  // The next arrival after the previous one (time infinity when the stream is over).
  Arrival next();

 private:
  Arrival next_curve();
  Arrival next_trace_requests();
  Arrival next_trace_minutes();

  const config::LoadSpec& load_;
  const config::Trace* trace_;
  Rng rng_;
  double t_ = 0.0;
  double max_rate_ = 0.0;
  // trace replay
  std::size_t index_ = 0;
  int copies_left_ = 0;
  Arrival pending_;
};

}  // namespace userscale::sim
