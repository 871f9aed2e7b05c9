// The arrival rate a scenario's load will ask for, known in advance: what the oracle sees and
// no other policy does. Rates are kept per bucket (the curve's highest rate within it, or a
// trace's arrivals in it divided by its length), so that "the most load between t0 and t1" is
// a lookup.
#pragma once

#include <vector>

#include "config/scenario.h"
#include "config/trace.h"

namespace userscale::sim {

class RateSchedule {
 public:
  // Open-loop loads only (closed loops have no arrival rate); `trace` for trace loads.
  // Covers [0, horizon); later times read the last bucket.
  RateSchedule(const config::LoadSpec& load, const config::Trace* trace, double horizon);

  double bucket_seconds() const { return bucket_; }
  const std::vector<double>& rates() const { return rates_; }
  // The highest bucket rate over [t0, t1].
  double peak(double t0, double t1) const;

 private:
  double bucket_ = 10.0;
  std::vector<double> rates_;
};

}  // namespace userscale::sim
