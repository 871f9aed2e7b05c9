// The decision record: what one tick saw, proposed and decided, and why; one per target per
// tick. Serialized as a JSON line by src/config/decision_record_json.h; the human line is
// built here (pure string formatting).
#pragma once

#include <string>

#include "core/reconcile.h"

namespace userscale {

// One short line in the seeds' style:
//   "SCALED 1 -> 3 (users=25 cpu=75.2% latency=245ms gpu=n/a)"
//   "HOLD 3: blocked by cooldown (12 s left)"
//   "HOLD 4 (wanted 2): blocked by downscale stabilization window"
std::string human_line(const Decision& d);

// "name=value" for every signal the policy reported, "name=n/a" for the failed ones.
std::string signal_summary(const Recommendation& rec);

}  // namespace userscale
