#include "experiment/oracle_verdicts.h"

#include <sstream>

namespace userscale::experiment {
namespace {

std::optional<std::size_t> policy_index(const Results& results, const std::string& label) {
  for (std::size_t p = 0; p < results.info.policies.size(); ++p) {
    if (results.info.policies[p].label == label) return p;
  }
  return std::nullopt;
}

std::optional<std::size_t> oracle_index(const Results& results) {
  for (std::size_t p = 0; p < results.info.policies.size(); ++p) {
    if (results.info.policies[p].name == "oracle") return p;
  }
  return std::nullopt;
}

std::string pct(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << v << " %";
  return s.str();
}

}  // namespace

std::vector<ScenarioStanding> oracle_standings(const Results& results,
                                               const std::vector<ScenarioComparison>& comparisons,
                                               const OracleBar& bar) {
  std::vector<ScenarioStanding> out;
  const auto oracle = oracle_index(results);
  for (const ScenarioComparison& sc : comparisons) {
    ScenarioStanding st;
    st.scenario = sc.scenario->name;
    const MetricComparison& slo = sc.metric("slo");
    const MetricComparison& gpu = sc.metric("gpu_hours");
    if (oracle && sc.runs_per_policy[*oracle] > 0) {
      st.oracle = oracle;
      st.oracle_slo = slo.per_policy[*oracle].mean;
      st.oracle_gpu_hours = gpu.per_policy[*oracle].mean;
    }
    for (std::size_t p = 0; p < results.info.policies.size(); ++p) {
      if ((oracle && p == *oracle) || sc.runs_per_policy[p] == 0) continue;
      PolicyStanding ps;
      ps.policy = p;
      ps.slo = slo.per_policy[p].mean;
      ps.gpu_hours = gpu.per_policy[p].mean;
      if (st.oracle && st.oracle_gpu_hours > 0) ps.cost_ratio = ps.gpu_hours / st.oracle_gpu_hours;
      if (st.oracle && st.oracle_slo >= bar.slo_bar && ps.cost_ratio) {
        ps.meets_oracle_bar = ps.slo >= bar.slo_bar && *ps.cost_ratio <= bar.cost_factor;
      }
      st.policies.push_back(ps);
    }
    out.push_back(std::move(st));
  }
  return out;
}

std::vector<Dominance> dominance(const Results& results,
                                 const std::vector<ScenarioComparison>& comparisons,
                                 const std::string& focus) {
  std::vector<Dominance> out;
  const auto f = policy_index(results, focus);
  if (!f) return out;
  const auto oracle = oracle_index(results);
  for (const ScenarioComparison& sc : comparisons) {
    if (sc.runs_per_policy[*f] == 0) continue;
    const MetricComparison& slo = sc.metric("slo");
    const MetricComparison& gpu = sc.metric("gpu_hours");
    for (std::size_t p = 0; p < results.info.policies.size(); ++p) {
      if (p == *f || (oracle && p == *oracle) || sc.runs_per_policy[p] == 0) continue;
      Dominance d;
      d.scenario = sc.scenario->name;
      d.other = results.info.policies[p].label;
      const double s_f = slo.per_policy[*f].mean, s_o = slo.per_policy[p].mean;
      const double g_f = gpu.per_policy[*f].mean, g_o = gpu.per_policy[p].mean;
      // Means compared at the precision they are shown with (0.05 points, 0.5 %).
      const bool slo_ok = s_f >= s_o - 0.05;
      const bool cost_ok = g_f <= g_o * 1.005;
      d.at_least_as_good = slo_ok && cost_ok;
      if (!slo_ok) d.why = "SLO " + pct(s_f) + " < " + pct(s_o);
      if (!cost_ok) {
        std::ostringstream w;
        w.precision(3);
        w << "GPU-hours " << g_f << " > " << g_o;
        d.why += (d.why.empty() ? "" : "; ") + w.str();
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string oracle_markdown(const Results& results,
                            const std::vector<ScenarioComparison>& comparisons,
                            const std::string& focus) {
  std::ostringstream md;
  const OracleBar bar;
  const auto standings = oracle_standings(results, comparisons, bar);
  bool any_oracle = false;
  for (const auto& st : standings) any_oracle = any_oracle || st.oracle.has_value();
  if (any_oracle) {
    md << "\n## Against the oracle\n\n"
       << "Where the oracle keeps " << bar.slo_bar << " % of requests within the SLO, a policy "
       << "meets the bar when it does too at no more than " << bar.cost_factor
       << " times the oracle's GPU-hours (means over seeds).\n\n"
       << "| Scenario | oracle (SLO, GPU·h) | policy | SLO | GPU·h / oracle | bar |\n"
       << "|---|---|---|---|---|---|\n";
    for (const auto& st : standings) {
      if (!st.oracle) continue;
      std::ostringstream head;
      head.precision(3);
      head << pct(st.oracle_slo) << ", " << st.oracle_gpu_hours;
      for (const PolicyStanding& ps : st.policies) {
        std::ostringstream ratio;
        ratio.precision(3);
        if (ps.cost_ratio) ratio << *ps.cost_ratio;
        md << "| " << st.scenario << " | " << head.str() << " | "
           << results.info.policies[ps.policy].label << " | " << pct(ps.slo) << " | "
           << (ps.cost_ratio ? ratio.str() : "—") << " | "
           << (!ps.meets_oracle_bar   ? "— (oracle misses the SLO)"
               : *ps.meets_oracle_bar ? "met"
                                      : "missed")
           << " |\n";
      }
    }
  }
  const auto dom = dominance(results, comparisons, focus);
  if (!dom.empty()) {
    md << "\n## " << focus << " against each policy\n\n"
       << "At least as good: an SLO attainment no lower and GPU-hours no higher (means over "
          "seeds).\n\n| Scenario | against | at least as good | where not |\n|---|---|---|---|\n";
    for (const Dominance& d : dom) {
      md << "| " << d.scenario << " | " << d.other << " | " << (d.at_least_as_good ? "yes" : "no")
         << " | " << d.why << " |\n";
    }
  }
  return md.str();
}

}  // namespace userscale::experiment
