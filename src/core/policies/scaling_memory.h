// What a seed policy remembers about the target's recent scalings, for its cooldowns and its
// consecutive limit.
//
// A scaling is counted when the observed replica count (obs.scale.spec_replicas) changes, not
// when the policy proposes one: a proposal that min/max or `behavior` clamped away never
// happened, and must neither start a cooldown nor count towards a consecutive limit. A change
// the policy proposed is dated at the tick that proposed it; any other change (a person, the
// min/max shortcut of the reconcile) at the tick that first saw it.
#pragma once

#include <cstdint>
#include <optional>

#include "core/timefmt.h"

namespace userscale {

enum class ScaleDirection { None, Up, Down };

class ScalingMemory {
 public:
  // Call first on every tick, with the replica count the observation shows.
  void observe(Time now, std::int32_t current_replicas);
  // Call when this tick proposes to move from `from` to `to` replicas.
  void proposed(Time now, std::int32_t from, std::int32_t to);
  // Ends the current run of same-direction scalings (the consecutive count restarts at 0).
  void end_run() { consecutive_ = 0; }

  std::optional<Time> last_change() const { return last_change_; }
  ScaleDirection last_direction() const { return last_direction_; }
  // Scalings in a row in last_direction(), since the run last ended.
  int consecutive() const { return consecutive_; }
  // Seconds since the last change; nullopt before the first one.
  std::optional<Duration> since_last_change(Time now) const;

 private:
  struct Proposal {
    Time time = 0;
    std::int32_t from = 0;
    std::int32_t to = 0;
  };
  std::optional<std::int32_t> last_seen_;
  std::optional<Proposal> pending_;
  std::optional<Time> last_change_;
  ScaleDirection last_direction_ = ScaleDirection::None;
  int consecutive_ = 0;
};

}  // namespace userscale
