// The comparison: per scenario, every metric of the seed experiment's table and ours, per
// policy its mean over seeds with a 95 % confidence interval, and the winner where the
// intervals say there is one.
#pragma once

#include <string>
#include <vector>

#include "experiment/pareto.h"
#include "experiment/results.h"
#include "experiment/stats.h"

namespace userscale::experiment {

struct MetricDef {
  std::string id;     // short name (terminal, CSV)
  std::string label;  // table row
  std::string path;   // row_value path
  std::string unit;   // shown after values: "%", "ms", "s", "req/s", ...
  Better better = Better::None;
  double scale = 1.0;  // display factor (fractions shown as percent)
};

// In the order of the seed's comparison table, then the capacity and cost metrics.
const std::vector<MetricDef>& metric_catalog();
const MetricDef* find_metric(const std::string& id);

struct MetricComparison {
  const MetricDef* metric = nullptr;
  std::vector<Interval> per_policy;  // ExperimentInfo::policies order, in display units
  Verdict verdict;
};

struct ScenarioComparison {
  const ScenarioInfo* scenario = nullptr;
  std::vector<std::size_t> runs_per_policy;
  std::vector<MetricComparison> metrics;  // metric_catalog() order
  // Cost (USD when cost_in_usd, else GPU-hours) against SLO attainment, per policy with runs.
  std::vector<std::size_t> scatter_policies;
  std::vector<CostSloPoint> scatter;
  std::vector<Interval> scatter_cost, scatter_slo;
  std::vector<std::size_t> front;  // indices into scatter, by cost

  const MetricComparison& metric(const std::string& id) const;
};

std::vector<ScenarioComparison> compare(const Results& results);

// "12.3 ± 0.4", "12.3 (1 run)", "—" when no run had a value.
std::string format_interval(const Interval& ci, const MetricDef& m);
// A number with three significant digits, no exponent.
std::string format_number(double v);
// "hpa", "tie (hpa, kpa)", "—".
std::string verdict_text(const Verdict& v, const std::vector<PolicyInfo>& policies);

}  // namespace userscale::experiment
