#include "experiment/comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace userscale::experiment {

const std::vector<MetricDef>& metric_catalog() {
  static const std::vector<MetricDef> catalog = {
      // The seed's table (seeds/000), in its order.
      {"max_pods", "Max pods", "max_replicas", "", Better::Lower},
      {"avg_pods", "Avg pods", "avg_replicas", "", Better::Lower},
      {"gpu_util_avg", "GPU utilization avg", "analysis.gpu_util_avg_pct", "%", Better::Higher},
      {"gpu_util_max", "GPU utilization max", "analysis.gpu_util_max_pct", "%", Better::Higher},
      {"cpu_per_pod", "CPU per pod (of request)", "analysis.cpu_per_pod_pct", "%", Better::Lower},
      {"latency_max", "Latency max", "latency_ms.max", "ms", Better::Lower},
      {"latency_p50", "Latency p50", "latency_ms.p50", "ms", Better::Lower},
      {"latency_p95", "Latency p95", "latency_ms.p95", "ms", Better::Lower},
      {"latency_p99", "Latency p99", "latency_ms.p99", "ms", Better::Lower},
      {"requests", "Total requests (completed)", "completed", "", Better::Higher},
      {"success_rate", "Success rate", "analysis.success_rate", "%", Better::Higher, 100.0},
      {"scaling_events", "Scaling events", "scaling_events", "", Better::Lower},
      {"throughput", "Throughput", "throughput_rps", "req/s", Better::Higher},
      {"requests_per_pod", "Requests per pod", "analysis.requests_per_pod", "", Better::Higher},
      {"gpu_efficiency", "GPU efficiency per pod", "analysis.gpu_efficiency_per_pod_pct", "%",
       Better::Higher},
      {"scaling_efficiency", "Scaling efficiency (avg/max pods)", "analysis.scaling_efficiency", "",
       Better::Higher},
      {"users_per_pod", "Concurrent users per pod", "analysis.concurrent_users_per_pod", "",
       Better::Higher},
      // Ours.
      {"slo", "SLO attainment", "slo_attainment", "%", Better::Higher, 100.0},
      {"first_scale_up", "Time to first scale-up", "analysis.time_to_first_scale_up_s", "s",
       Better::Lower},
      {"time_to_max_pods", "Time to max pods", "analysis.time_to_max_pods_s", "s", Better::Lower},
      {"time_to_needed", "Time to reach needed capacity", "analysis.time_to_needed_capacity_s", "s",
       Better::Lower},
      {"over_provisioned", "Over-provisioned replica-seconds",
       "analysis.over_provisioned_replica_s", "replica·s", Better::Lower},
      {"under_provisioned", "Under-provisioned replica-seconds",
       "analysis.under_provisioned_replica_s", "replica·s", Better::Lower},
      {"cost", "Cost", "cost_usd", "USD", Better::Lower},
      {"gpu_hours", "GPU-hours held", "analysis.gpu_hours", "GPU·h", Better::Lower},
  };
  return catalog;
}

const MetricDef* find_metric(const std::string& id) {
  for (const MetricDef& m : metric_catalog()) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const MetricComparison& ScenarioComparison::metric(const std::string& id) const {
  for (const MetricComparison& m : metrics) {
    if (m.metric->id == id) return m;
  }
  throw std::out_of_range("no metric " + id);
}

std::vector<ScenarioComparison> compare(const Results& results) {
  const auto& policies = results.info.policies;
  std::vector<ScenarioComparison> out;
  for (const ScenarioInfo& scenario : results.info.scenarios) {
    ScenarioComparison sc;
    sc.scenario = &scenario;
    // The rows of each policy, in seed order as saved.
    std::vector<std::vector<const Row*>> runs(policies.size());
    for (const Row& row : results.rows) {
      if (row.value("scenario", "") != scenario.name) continue;
      for (std::size_t p = 0; p < policies.size(); ++p) {
        if (row.value("policy", "") == policies[p].label) runs[p].push_back(&row);
      }
    }
    for (const auto& r : runs) sc.runs_per_policy.push_back(r.size());
    for (const MetricDef& m : metric_catalog()) {
      MetricComparison mc;
      mc.metric = &m;
      for (std::size_t p = 0; p < policies.size(); ++p) {
        std::vector<double> values;
        for (const Row* row : runs[p]) values.push_back(row_value(*row, m.path) * m.scale);
        mc.per_policy.push_back(confidence_interval(values));
      }
      // A scenario without prices costs nothing under every policy: no contest on USD.
      const bool meaningless = m.id == "cost" && !scenario.cost_in_usd;
      mc.verdict = judge(mc.per_policy, meaningless ? Better::None : m.better);
      sc.metrics.push_back(std::move(mc));
    }
    const MetricComparison& cost = sc.metric(scenario.cost_in_usd ? "cost" : "gpu_hours");
    const MetricComparison& slo = sc.metric("slo");
    for (std::size_t p = 0; p < policies.size(); ++p) {
      if (cost.per_policy[p].n == 0 || slo.per_policy[p].n == 0) continue;
      sc.scatter_policies.push_back(p);
      sc.scatter.push_back({cost.per_policy[p].mean, slo.per_policy[p].mean});
      sc.scatter_cost.push_back(cost.per_policy[p]);
      sc.scatter_slo.push_back(slo.per_policy[p]);
    }
    sc.front = pareto_front(sc.scatter);
    out.push_back(std::move(sc));
  }
  return out;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "—" : (v > 0 ? "∞" : "-∞");
  char buf[64];
  const double a = std::fabs(v);
  // The thresholds sit just below the powers of ten so that 99.996 prints as 100.0, not 100.00.
  if (a >= 999.95 || v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (a >= 99.995) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else if (a >= 9.9995) {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  } else if (a >= 0.01) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    // Two significant digits, written out: 0.000095 rather than 9.5e-05.
    const int decimals = std::min(12, 1 - static_cast<int>(std::floor(std::log10(a))));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  std::string s = buf;
  if (s == "-0") s = "0";
  return s;
}

std::string format_interval(const Interval& ci, const MetricDef&) {
  if (ci.n == 0) return "—";
  if (ci.n == 1) return format_number(ci.mean) + " (1 run)";
  return format_number(ci.mean) + " ± " + format_number(ci.half_width);
}

std::string verdict_text(const Verdict& v, const std::vector<PolicyInfo>& policies) {
  if (v.winner) return policies[*v.winner].label;
  if (v.tied.size() <= 1) return "—";
  std::string s = "tie (";
  for (std::size_t i = 0; i < v.tied.size(); ++i) {
    if (i > 0) s += ", ";
    s += policies[v.tied[i]].label;
  }
  return s + ")";
}

}  // namespace userscale::experiment
