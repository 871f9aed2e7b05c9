#include "experiment/html_report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "experiment/oracle_verdicts.h"
#include "experiment/svg_chart.h"
#include "experiment/text_tables.h"

namespace userscale::experiment {
namespace {

constexpr const char* kStyle = R"css(
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;
 color:#1d2330;background:#f6f7f9}
main{max-width:1320px;margin:0 auto;padding:18px 24px 60px}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:21px;margin:0 0 6px}
h3{font-size:15px;margin:18px 0 8px;color:#333}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:16px 18px;margin:18px 0}
.meta,.note{color:#555;font-size:13px}.warn{color:#8a4b00;font-size:13px}
nav a{margin-right:14px;font-size:14px}
.charts{display:flex;flex-wrap:wrap;gap:10px}
svg.chart{background:#fff;border:1px solid #e4e7ec;border-radius:6px}
svg .title{font-size:13px;font-weight:600;fill:#1d2330}
svg .legend,svg .label{font-size:11px;fill:#333}
svg .tick{font-size:10px;fill:#555}svg .axis{font-size:11px;fill:#444}
svg .grid{stroke:#edf0f3;stroke-width:1}svg .frame{fill:none;stroke:#c9ced6}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
th,td{border:1px solid #e1e4e8;padding:4px 7px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{background:#f0f2f5}td.win{background:#e3f4e8;font-weight:600}
table.overview td,table.overview th{white-space:normal;text-align:left;max-width:210px}
td.verdict{white-space:normal;text-align:left;min-width:150px;max-width:260px}
.scroll{overflow-x:auto}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
details{margin-top:10px}summary{cursor:pointer;font-size:13px;color:#333}
)css";

// Marks the page when every chart drew something (see html_report.h).
constexpr const char* kCheckScript = R"js(
(function () {
  var charts = document.querySelectorAll('svg.chart');
  var empty = [];
  for (var i = 0; i < charts.length; i++) {
    var marks = charts[i].querySelectorAll('.data');
    var drawn = 0;
    for (var j = 0; j < marks.length; j++) {
      var box = marks[j].getBBox();
      if (box.width > 0 || box.height > 0) drawn++;
    }
    if (drawn === 0) empty.push(charts[i].id);
  }
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-empty-charts', empty.join(' '));
  if (charts.length > 0 && empty.length === 0) {
    document.body.setAttribute('data-render-ok', '1');
  }
})();
)js";

const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"};
const char* const kGpuPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
                                   "#8c6d31", "#843c39", "#7b4173", "#3182bd"};

std::string anchor(const std::string& name) {
  std::string out = "sc-";
  for (char c : name) {
    out += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '-';
  }
  return out;
}

// The run whose timeline a scenario's charts show for a policy: its first seed that finished.
std::optional<std::pair<std::uint64_t, std::vector<sim::TimelineRow>>> chart_run(
    const Results& results, const ScenarioInfo& s, const PolicyInfo& p,
    const TimelineLookup& timelines) {
  for (std::uint64_t seed : s.seeds) {
    const bool finished = std::any_of(results.rows.begin(), results.rows.end(), [&](const Row& r) {
      return r.value("scenario", "") == s.name && r.value("policy", "") == p.label &&
             r.value("seed", std::uint64_t{0}) == seed;
    });
    if (!finished) continue;
    if (auto rows = timelines(s.name, p.label, seed)) return std::make_pair(seed, *rows);
  }
  return std::nullopt;
}

template <typename F>
std::vector<std::pair<double, double>> points(const std::vector<sim::TimelineRow>& rows, F value) {
  std::vector<std::pair<double, double>> pts;
  pts.reserve(rows.size());
  for (const auto& r : rows) pts.emplace_back(r.t, value(r));
  return pts;
}

std::string comparison_table(const ScenarioComparison& sc,
                             const std::vector<PolicyInfo>& policies) {
  std::ostringstream out;
  out << "<div class=\"scroll\"><table class=\"comparison\"><tr><th>Metric</th>";
  for (std::size_t p = 0; p < policies.size(); ++p) {
    out << "<th><span class=\"swatch\" style=\"background:" << policy_color(p) << "\"></span>"
        << html_escape(policies[p].label) << "</th>";
  }
  out << "<th>Winner</th></tr><tr><td>Runs</td>";
  for (std::size_t n : sc.runs_per_policy) out << "<td>" << n << "</td>";
  out << "<td></td></tr>";
  for (const MetricComparison& mc : sc.metrics) {
    const MetricDef& m = *mc.metric;
    std::string heading = m.unit.empty() ? m.label : m.label + " (" + m.unit + ")";
    if (m.id == "cost" && !sc.scenario->cost_in_usd) heading += " — fixed cluster or no prices";
    out << "<tr><td>" << html_escape(heading) << "</td>";
    for (std::size_t p = 0; p < mc.per_policy.size(); ++p) {
      const bool win = mc.verdict.winner && *mc.verdict.winner == p;
      out << "<td" << (win ? " class=\"win\"" : "") << ">"
          << html_escape(format_interval(mc.per_policy[p], m)) << "</td>";
    }
    out << "<td class=\"verdict\">" << html_escape(verdict_text(mc.verdict, policies))
        << "</td></tr>";
  }
  out << "</table></div>";
  return out.str();
}

std::string runs_table(const Results& results, const ScenarioInfo& s) {
  static const std::vector<std::string> ids = {
      "throughput", "slo",      "latency_p50",    "latency_p99", "latency_max",
      "avg_pods",   "max_pods", "scaling_events", "cost",        "gpu_hours"};
  std::ostringstream out;
  out << "<div class=\"scroll\"><table><tr><th>Policy</th><th>Seed</th>";
  for (const std::string& id : ids) {
    const MetricDef& m = *find_metric(id);
    out << "<th>" << html_escape(m.unit.empty() ? m.label : m.label + " (" + m.unit + ")")
        << "</th>";
  }
  out << "</tr>";
  for (const Row& r : results.rows) {
    if (r.value("scenario", "") != s.name) continue;
    out << "<tr><td>" << html_escape(r.value("policy", "")) << "</td><td>"
        << r.value("seed", std::uint64_t{0}) << "</td>";
    for (const std::string& id : ids) {
      const MetricDef& m = *find_metric(id);
      out << "<td>" << html_escape(format_number(row_value(r, m.path) * m.scale)) << "</td>";
    }
    out << "</tr>";
  }
  out << "</table></div>";
  return out.str();
}

std::string scenario_section(const Results& results, std::size_t index,
                             const ScenarioComparison& sc, const TimelineLookup& timelines) {
  const ScenarioInfo& s = *sc.scenario;
  const auto& policies = results.info.policies;
  const std::string id = "c" + std::to_string(index);
  std::ostringstream out;
  out << "<section id=\"" << anchor(s.name) << "\"><h2>" << html_escape(s.name) << "</h2>";
  if (!s.description.empty()) out << "<p>" << html_escape(s.description) << "</p>";
  std::string seeds;
  for (std::size_t i = 0; i < s.seeds.size(); ++i) {
    seeds += (i ? ", " : "") + std::to_string(s.seeds[i]);
  }
  out << "<p class=\"meta\">Duration " << html_escape(time_label(s.duration_s)) << " · load "
      << html_escape(s.load) << " · SLO " << html_escape(format_number(s.slo_latency_ms))
      << " ms · seeds " << html_escape(seeds) << " · " << html_escape(s.file) << "</p>";

  std::vector<std::optional<std::pair<std::uint64_t, std::vector<sim::TimelineRow>>>> runs;
  for (const PolicyInfo& p : policies) runs.push_back(chart_run(results, s, p, timelines));

  LineChart replicas;
  replicas.id = id + "-replicas";
  replicas.title = "Replicas over time (solid: ready, dashed: desired)";
  replicas.y_label = "replicas";
  LineChart load;
  load.id = id + "-load";
  load.title = "Load: arrivals and throughput";
  load.y_label = "requests / s";
  bool arrivals_drawn = false;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    if (!runs[p]) continue;
    const auto& rows = runs[p]->second;
    const std::string color = policy_color(p);
    Series ready{policies[p].label, color, false, 2.0,
                 points(rows, [](const sim::TimelineRow& r) { return r.ready; })};
    Series desired{policies[p].label + " desired", color, true, 1.2,
                   points(rows, [](const sim::TimelineRow& r) { return r.desired; })};
    desired.in_legend = false;  // one legend entry per policy
    replicas.series.push_back(std::move(ready));
    replicas.series.push_back(std::move(desired));
    if (!arrivals_drawn) {
      const bool open_loop = s.load != "closed";
      load.series.push_back(
          {open_loop ? "arrivals" : "arrivals (" + policies[p].label + ")", "#9aa0a6", false, 2.6,
           points(rows, [](const sim::TimelineRow& r) { return r.arrivals_rps; })});
      arrivals_drawn = true;
    }
    load.series.push_back(
        {policies[p].label + " throughput", color, false, 1.4,
         points(rows, [](const sim::TimelineRow& r) { return r.throughput_rps; })});
  }

  ScatterChart scatter;
  scatter.id = id + "-cost-slo";
  scatter.title = "Cost against SLO attainment (mean ± 95 % CI; Pareto front joined)";
  scatter.x_label = s.cost_in_usd ? "cost (USD)" : "GPU-hours held by replicas (fixed cluster)";
  scatter.y_label = "SLO attainment (%)";
  for (std::size_t k = 0; k < sc.scatter.size(); ++k) {
    const std::size_t p = sc.scatter_policies[k];
    scatter.points.push_back({policies[p].label, policy_color(p), sc.scatter[k].cost,
                              sc.scatter[k].slo, sc.scatter_cost[k].half_width,
                              sc.scatter_slo[k].half_width});
  }
  scatter.front = sc.front;

  out << "<div class=\"charts\">" << render_line_chart(replicas) << render_line_chart(load)
      << render_scatter(scatter) << "</div>";

  std::string chart_seeds;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    if (!runs[p]) continue;
    chart_seeds += (chart_seeds.empty() ? "" : ", ") + policies[p].label + " seed " +
                   std::to_string(runs[p]->first);
  }
  out << "<p class=\"note\">Time series show one run per policy (" << html_escape(chart_seeds)
      << "); the tables and the cost/SLO plot cover every seed.</p>";

  out << "<h3>Latency percentiles over time (requests completed in each sample period)</h3>"
      << "<div class=\"charts\">";
  for (std::size_t p = 0; p < policies.size(); ++p) {
    if (!runs[p]) continue;
    const auto& rows = runs[p]->second;
    LineChart lat;
    lat.id = id + "-latency-" + std::to_string(p);
    lat.title = "Latency: " + policies[p].label;
    lat.y_label = "ms (log)";
    lat.y_log = true;
    lat.width = 400;
    lat.height = 250;
    lat.series.push_back({"p50", "#1b9e77", false, 1.4, points(rows, [](const sim::TimelineRow& r) {
                            return r.latency_p50_ms;
                          })});
    lat.series.push_back({"p95", "#d95f02", false, 1.4, points(rows, [](const sim::TimelineRow& r) {
                            return r.latency_p95_ms;
                          })});
    lat.series.push_back({"p99", "#7570b3", false, 1.4, points(rows, [](const sim::TimelineRow& r) {
                            return r.latency_p99_ms;
                          })});
    lat.guides.push_back({"SLO", s.slo_latency_ms, "#c0392b"});
    out << render_line_chart(lat);
  }
  out << "</div><h3>GPU utilization over time, per physical GPU</h3><div class=\"charts\">";
  for (std::size_t p = 0; p < policies.size(); ++p) {
    if (!runs[p]) continue;
    const auto& rows = runs[p]->second;
    LineChart gpu;
    gpu.id = id + "-gpu-" + std::to_string(p);
    gpu.title = "GPU utilization: " + policies[p].label;
    gpu.y_label = "%";
    gpu.y_min = 0;
    gpu.y_max = 100;
    gpu.width = 400;
    gpu.height = 250;
    std::size_t columns = 0;
    for (const auto& r : rows) columns = std::max(columns, r.gpu_util.size());
    for (std::size_t g = 0; g < columns; ++g) {
      auto pts = points(rows, [g](const sim::TimelineRow& r) {
        return g < r.gpu_util.size() ? r.gpu_util[g] : 0.0;
      });
      const bool used = std::any_of(pts.begin(), pts.end(), [](auto& pt) { return pt.second > 0; });
      // GPUs that never ran a kernel are left out, except the first (an idle cluster).
      if (!used && g > 0) continue;
      gpu.series.push_back({"GPU " + std::to_string(g), kGpuPalette[g % std::size(kGpuPalette)],
                            false, 1.3, std::move(pts)});
    }
    out << render_line_chart(gpu);
  }
  out << "</div><h3>Comparison over seeds</h3>" << comparison_table(sc, policies);
  if (!sc.front.empty()) {
    out << "<p class=\"note\">Pareto front (no other policy is both cheaper and better on the "
           "SLO): ";
    for (std::size_t i = 0; i < sc.front.size(); ++i) {
      out << (i ? ", " : "") << html_escape(policies[sc.scatter_policies[sc.front[i]]].label);
    }
    out << ".</p>";
  }
  out << "<details><summary>Every run</summary>" << runs_table(results, s) << "</details>";
  out << "</section>";
  return out.str();
}

std::string overview(const Results& results, const std::vector<ScenarioComparison>& comparisons) {
  const auto& policies = results.info.policies;
  static const std::vector<std::pair<std::string, std::string>> columns = {
      {"slo", "Best SLO attainment"},
      {"throughput", "Highest throughput"},
      {"latency_p99", "Lowest p99 latency"},
      {"avg_pods", "Fewest pods (avg)"},
      {"under_provisioned", "Least under-provisioned"},
      {"over_provisioned", "Least over-provisioned"}};
  std::ostringstream out;
  out << "<div class=\"scroll\"><table class=\"overview\"><tr><th>Scenario</th>";
  for (const auto& [id, title] : columns) out << "<th>" << html_escape(title) << "</th>";
  out << "<th>Pareto front (cost vs SLO)</th></tr>";
  for (const ScenarioComparison& sc : comparisons) {
    out << "<tr><td><a href=\"#" << anchor(sc.scenario->name) << "\">"
        << html_escape(sc.scenario->name) << "</a></td>";
    for (const auto& [id, title] : columns) {
      const MetricComparison& mc = sc.metric(id);
      out << "<td" << (mc.verdict.winner ? " class=\"win\"" : "") << ">"
          << html_escape(verdict_text(mc.verdict, policies)) << "</td>";
    }
    std::string front;
    for (std::size_t i = 0; i < sc.front.size(); ++i) {
      front += (i ? ", " : "") + policies[sc.scatter_policies[sc.front[i]]].label;
    }
    out << "<td>" << html_escape(front) << "</td></tr>";
  }
  out << "</table></div>";
  return out.str();
}

// The oracle's bar and gpuaware against each policy (oracle_verdicts.h), as two tables.
std::string standings_section(const Results& results,
                              const std::vector<ScenarioComparison>& comparisons) {
  const auto& policies = results.info.policies;
  const OracleBar bar;
  std::ostringstream out;
  bool any = false;
  for (const ScenarioStanding& st : oracle_standings(results, comparisons, bar)) {
    if (!st.oracle) continue;
    if (!any) {
      out << "<details><summary>Against the oracle</summary><p class=\"note\">Where the oracle "
             "keeps "
          << format_number(bar.slo_bar) << " % of requests within the SLO, a policy meets the "
          << "bar when it does too at no more than " << format_number(bar.cost_factor)
          << " times the oracle's GPU-hours.</p><div class=\"scroll\"><table><tr>"
          << "<th>Scenario</th><th>Oracle SLO %</th><th>Oracle GPU·h</th><th>Policy</th>"
          << "<th>SLO %</th><th>GPU·h / oracle</th><th>Bar</th></tr>";
      any = true;
    }
    for (const PolicyStanding& ps : st.policies) {
      out << "<tr><td>" << html_escape(st.scenario) << "</td><td>" << format_number(st.oracle_slo)
          << "</td><td>" << format_number(st.oracle_gpu_hours) << "</td><td>"
          << html_escape(policies[ps.policy].label) << "</td><td>" << format_number(ps.slo)
          << "</td><td>" << (ps.cost_ratio ? format_number(*ps.cost_ratio) : "—") << "</td>"
          << (!ps.meets_oracle_bar   ? "<td>— (oracle misses the SLO)</td>"
              : *ps.meets_oracle_bar ? "<td class=\"win\">met</td>"
                                     : "<td>missed</td>")
          << "</tr>";
    }
  }
  if (any) out << "</table></div></details>";
  const auto dom = dominance(results, comparisons, "gpuaware");
  if (!dom.empty()) {
    out << "<details><summary>gpuaware against each policy</summary><p class=\"note\">At least "
           "as good: an SLO "
           "attainment no lower and GPU-hours no higher (means over seeds).</p>"
           "<div class=\"scroll\"><table><tr><th>Scenario</th><th>Against</th>"
           "<th>At least as good</th><th>Where not</th></tr>";
    for (const Dominance& d : dom) {
      out << "<tr><td>" << html_escape(d.scenario) << "</td><td>" << html_escape(d.other)
          << "</td><td" << (d.at_least_as_good ? " class=\"win\">yes" : ">no") << "</td><td>"
          << html_escape(d.why) << "</td></tr>";
    }
    out << "</table></div></details>";
  }
  return out.str();
}

}  // namespace

std::string policy_color(std::size_t index) {
  return kPalette[index % std::size(kPalette)];
}

std::string render_html_report(const Results& results,
                               const std::vector<ScenarioComparison>& comparisons,
                               const TimelineLookup& timelines) {
  const ExperimentInfo& info = results.info;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>userscale experiment: " << html_escape(info.suite) << "</title><style>" << kStyle
      << "</style></head>\n<body><main>";
  out << "<h1>userscale experiment: " << html_escape(info.suite) << "</h1>";
  if (!info.description.empty()) out << "<p>" << html_escape(info.description) << "</p>";
  out << "<p class=\"meta\">" << info.finished_runs << " of " << info.planned_runs
      << " runs finished · " << info.scenarios.size() << " scenarios · policies:";
  for (std::size_t p = 0; p < info.policies.size(); ++p) {
    out << " <span class=\"swatch\" style=\"background:" << policy_color(p) << "\"></span>"
        << html_escape(info.policies[p].label);
  }
  out << "</p>";
  if (info.interrupted) {
    out << "<p class=\"warn\">The experiment was interrupted: this report covers the runs that "
           "finished.</p>";
  }
  for (const SkippedPolicy& s : info.skipped) {
    out << "<p class=\"warn\">Skipped policy " << html_escape(s.label) << ": "
        << html_escape(s.reason) << "</p>";
  }
  for (const std::string& f : info.failures) {
    out << "<p class=\"warn\">Failed run: " << html_escape(f) << "</p>";
  }
  out << "<p class=\"note\">Values are means over seeds with 95 % confidence intervals "
         "(Student t). A policy is named the winner of a metric only when its interval overlaps "
         "no other policy's; otherwise the policies whose intervals overlap the best one's are "
         "tied. Needed capacity is computed from each scenario's service model (the fewest ready "
         "replicas that carry the load at the target utilization).</p>";
  out << "<nav>";
  for (const ScenarioComparison& sc : comparisons) {
    out << "<a href=\"#" << anchor(sc.scenario->name) << "\">" << html_escape(sc.scenario->name)
        << "</a>";
  }
  out << "</nav><section><h2>Overview</h2>" << overview(results, comparisons)
      << standings_section(results, comparisons) << "</section>";
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    out << scenario_section(results, i, comparisons[i], timelines);
  }
  out << "<p class=\"note\">Written by userscale. Raw data: summary.json, summary.csv, "
         "timelines/.</p></main><script>"
      << kCheckScript << "</script></body></html>\n";
  return out.str();
}

}  // namespace userscale::experiment
