// report.html: one self-contained page (inline CSS and SVG, one small inline script, nothing
// fetched) with, per scenario, replicas (desired and ready), load, latency percentiles and
// per-GPU utilization over time per policy, cost against SLO attainment with the Pareto front,
// and the comparison tables.
//
// The page checks itself when it loads: it sets `data-charts` (how many charts) on <body>,
// `data-empty-charts` (the ids of charts with nothing drawn) and `data-render-ok="1"` when every
// chart drew something. tests/experiment/report_browser_test.cpp reads these in Chromium.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiment/comparison.h"
#include "experiment/results.h"
#include "sim/results.h"

namespace userscale::experiment {

// The timeline of one run, if it was saved.
using TimelineLookup = std::function<std::optional<std::vector<sim::TimelineRow>>(
    const std::string& scenario, const std::string& policy, std::uint64_t seed)>;

std::string render_html_report(const Results& results,
                               const std::vector<ScenarioComparison>& comparisons,
                               const TimelineLookup& timelines);

// The colour of the i-th policy in every chart.
std::string policy_color(std::size_t index);

}  // namespace userscale::experiment
