// KPA decisions in words: one line for a recommendation's reason, several for --explain.
#pragma once

#include <string>

#include "core/policies/kpa/decider.h"

namespace userscale::kpa {

// e.g. "panic: 10 pods held (panic value 700 >= 2x 4 pods)" or
// "stable: 5 pods (stable value 300 / target 70)".
std::string summarize_decision(const DecisionTrace& t, const DeciderSpec& spec);

// Windows, wishes, the limit that bounded each wish, the panic state, the delay and the excess
// burst capacity; one fact per line, each line ending in '\n'.
std::string explain_decision(const DecisionTrace& t, const DeciderSpec& spec);

}  // namespace userscale::kpa
