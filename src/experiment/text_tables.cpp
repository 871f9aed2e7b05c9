#include "experiment/text_tables.h"

#include <algorithm>
#include <sstream>

#include "experiment/oracle_verdicts.h"

namespace userscale::experiment {
namespace {

std::string seeds_text(const std::vector<std::uint64_t>& seeds) {
  if (seeds.empty()) return "none";
  bool consecutive = true;
  for (std::size_t i = 1; i < seeds.size(); ++i) consecutive &= seeds[i] == seeds[i - 1] + 1;
  if (consecutive && seeds.size() > 2) {
    return std::to_string(seeds.front()) + "–" + std::to_string(seeds.back());
  }
  std::string s;
  for (std::size_t i = 0; i < seeds.size(); ++i) s += (i ? ", " : "") + std::to_string(seeds[i]);
  return s;
}

std::string metric_heading(const MetricDef& m, bool cost_in_usd) {
  if (m.id == "cost" && !cost_in_usd) return m.label + " (USD; fixed cluster or no prices)";
  return m.unit.empty() ? m.label : m.label + " (" + m.unit + ")";
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = display_width(s);
  if (w >= width) return s;
  return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

std::string run_status(const ExperimentInfo& info) {
  std::ostringstream out;
  out << info.finished_runs << " of " << info.planned_runs << " runs finished";
  if (info.interrupted) out << " (interrupted: the results below cover the finished runs only)";
  if (!info.failures.empty()) out << "; " << info.failures.size() << " failed";
  return out.str();
}

}  // namespace

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

const std::vector<std::string>& terminal_metrics() {
  static const std::vector<std::string> ids = {
      "throughput",       "slo",      "latency_p99",      "latency_max",
      "avg_pods",         "max_pods", "time_to_max_pods", "under_provisioned",
      "over_provisioned", "cost"};
  return ids;
}

std::string summary_markdown(const Results& results,
                             const std::vector<ScenarioComparison>& comparisons) {
  const ExperimentInfo& info = results.info;
  std::ostringstream md;
  md << "# Experiment: " << info.suite << "\n\n";
  if (!info.description.empty()) md << info.description << "\n\n";
  md << run_status(info) << ".\n\n";
  for (const SkippedPolicy& s : info.skipped) {
    md << "- Skipped policy `" << s.label << "`: " << s.reason << "\n";
  }
  for (const std::string& f : info.failures) md << "- Failed run: " << f << "\n";
  if (!info.skipped.empty() || !info.failures.empty()) md << "\n";
  md << "Each cell is the mean over seeds ± the half-width of its 95 % confidence interval "
        "(Student t). A winner is named only when its interval overlaps no other policy's; "
        "otherwise the policies whose intervals overlap the best one's are tied.\n";
  for (const ScenarioComparison& sc : comparisons) {
    const ScenarioInfo& s = *sc.scenario;
    md << "\n## " << s.name << "\n\n";
    if (!s.description.empty()) md << s.description << ".\n\n";
    md << "Seeds " << seeds_text(s.seeds) << "; " << format_number(s.duration_s) << " s; SLO "
       << format_number(s.slo_latency_ms) << " ms; load " << s.load << "; file `" << s.file
       << "`.\n\n";
    md << "| Metric |";
    for (const PolicyInfo& p : info.policies) md << " " << p.label << " |";
    md << " Winner |\n|---|";
    for (std::size_t i = 0; i < info.policies.size(); ++i) md << "---|";
    md << "---|\n";
    md << "| Runs |";
    for (std::size_t n : sc.runs_per_policy) md << " " << n << " |";
    md << " |\n";
    for (const MetricComparison& mc : sc.metrics) {
      md << "| " << metric_heading(*mc.metric, s.cost_in_usd) << " |";
      for (const Interval& ci : mc.per_policy) md << " " << format_interval(ci, *mc.metric) << " |";
      md << " " << verdict_text(mc.verdict, info.policies) << " |\n";
    }
    if (!sc.front.empty()) {
      md << "\nPareto front (" << (s.cost_in_usd ? "cost in USD" : "GPU-hours")
         << " against SLO attainment): ";
      for (std::size_t i = 0; i < sc.front.size(); ++i) {
        const std::size_t k = sc.front[i];
        md << (i ? ", " : "") << info.policies[sc.scatter_policies[k]].label << " ("
           << format_number(sc.scatter[k].cost) << ", " << format_number(sc.scatter[k].slo)
           << " %)";
      }
      md << ".\n";
    }
  }
  md << oracle_markdown(results, comparisons);
  return md.str();
}

std::string terminal_table(const Results& results,
                           const std::vector<ScenarioComparison>& comparisons) {
  const ExperimentInfo& info = results.info;
  std::ostringstream out;
  out << "Comparison: mean ± 95 % CI half-width over seeds; * marks a winner (its interval "
         "overlaps no other).\n";
  for (const ScenarioComparison& sc : comparisons) {
    const ScenarioInfo& s = *sc.scenario;
    std::vector<std::string> ids = terminal_metrics();
    if (!s.cost_in_usd) ids.back() = "gpu_hours";
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> header = {"policy"};
    for (const std::string& id : ids) {
      const MetricDef& m = *find_metric(id);
      std::string h = m.id == "throughput"          ? "req/s"
                      : m.id == "slo"               ? "SLO %"
                      : m.id == "latency_p99"       ? "p99 ms"
                      : m.id == "latency_max"       ? "max lat ms"
                      : m.id == "avg_pods"          ? "avg pods"
                      : m.id == "max_pods"          ? "max pods"
                      : m.id == "time_to_max_pods"  ? "t max pods s"
                      : m.id == "under_provisioned" ? "under r·s"
                      : m.id == "over_provisioned"  ? "over r·s"
                      : m.id == "cost"              ? "cost $"
                                                    : "GPU·h";
      header.push_back(h);
    }
    table.push_back(header);
    for (std::size_t p = 0; p < info.policies.size(); ++p) {
      std::vector<std::string> line = {info.policies[p].label};
      for (const std::string& id : ids) {
        const MetricComparison& mc = sc.metric(id);
        const Interval& ci = mc.per_policy[p];
        std::string cell = ci.n == 0 ? "—"
                           : ci.n == 1
                               ? format_number(ci.mean)
                               : format_number(ci.mean) + "±" + format_number(ci.half_width);
        if (mc.verdict.winner && *mc.verdict.winner == p) cell += "*";
        line.push_back(cell);
      }
      table.push_back(line);
    }
    std::vector<std::size_t> widths(header.size(), 0);
    for (const auto& line : table) {
      for (std::size_t c = 0; c < line.size(); ++c) {
        widths[c] = std::max(widths[c], display_width(line[c]));
      }
    }
    std::size_t runs = 0;
    for (std::size_t n : sc.runs_per_policy) runs += n;
    out << "\n"
        << s.name << " (" << runs << " runs, seeds " << seeds_text(s.seeds) << ", SLO "
        << format_number(s.slo_latency_ms) << " ms)\n";
    for (std::size_t r = 0; r < table.size(); ++r) {
      out << " ";
      for (std::size_t c = 0; c < table[r].size(); ++c) {
        out << " " << pad(table[r][c], widths[c], c > 0);
      }
      out << "\n";
      if (r == 0) {
        std::size_t total = 1;
        for (std::size_t w : widths) total += w + 1;
        out << "  " << std::string(total - 1, '-') << "\n";
      }
    }
    std::string winners, ties;
    for (const MetricComparison& mc : sc.metrics) {
      if (mc.verdict.winner) {
        winners += (winners.empty() ? "" : "; ") + mc.metric->label + ": " +
                   info.policies[*mc.verdict.winner].label;
      } else if (mc.verdict.tied.size() > 1) {
        ties += (ties.empty() ? "" : ", ") + mc.metric->label;
      }
    }
    out << "  winners: " << (winners.empty() ? "none" : winners) << "\n";
    if (!ties.empty()) out << "  ties: " << ties << "\n";
  }
  out << "\n" << run_status(info) << ".\n";
  for (const SkippedPolicy& s : info.skipped) {
    out << "Skipped policy " << s.label << ": " << s.reason << "\n";
  }
  for (const std::string& f : info.failures) out << "Failed run: " << f << "\n";
  return out.str();
}

}  // namespace userscale::experiment
