// A policy: a pure function of the observation and its own small state.
#pragma once

#include <memory>
#include <string>

#include "core/observation.h"
#include "core/recommendation.h"

namespace userscale {

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  // Called once per tick with everything the world exposes; returns the unbounded proposal.
  // Policies keep their own state (windows, cooldowns) across calls; they never read a clock.
  virtual Recommendation recommend(const Observation& obs) = 0;
  // True for the HPA: without `behavior` its legacy normalization applies (a 5-minute
  // downscale window and the 2x/4 scale-up limit). Other policies own their smoothing and get
  // only min/max unless `behavior` is set.
  virtual bool uses_hpa_legacy_normalization() const { return false; }
};

}  // namespace userscale
