// The comparison as text: summary.md (every metric, per scenario) and the compact table the
// experiment prints in the terminal when it ends.
#pragma once

#include <string>
#include <vector>

#include "experiment/comparison.h"
#include "experiment/results.h"

namespace userscale::experiment {

std::string summary_markdown(const Results& results,
                             const std::vector<ScenarioComparison>& comparisons);

// Per scenario, one line per policy with the headline metrics (mean ± 95 % CI half-width), a
// `*` on the winner of a column, and the verdict of every metric below.
std::string terminal_table(const Results& results,
                           const std::vector<ScenarioComparison>& comparisons);

// Columns of the terminal table (metric ids), in order.
const std::vector<std::string>& terminal_metrics();

// Characters as a terminal shows them (UTF-8 code points).
std::size_t display_width(const std::string& s);

}  // namespace userscale::experiment
