#include "experiment/results.h"

#include <cmath>
#include <limits>

#include "sim/report_files.h"

namespace userscale::experiment {
namespace {

const char* load_name(config::LoadKind kind) {
  switch (kind) {
    case config::LoadKind::Closed:
      return "closed";
    case config::LoadKind::Constant:
      return "constant";
    case config::LoadKind::Poisson:
      return "poisson";
    case config::LoadKind::Ramp:
      return "ramp";
    case config::LoadKind::Burst:
      return "burst";
    case config::LoadKind::Spike:
      return "spike";
    case config::LoadKind::Diurnal:
      return "diurnal";
    case config::LoadKind::Trace:
      return "trace";
  }
  return "unknown";
}

}  // namespace

Row make_row(const std::string& scenario, const std::string& policy_label,
             const std::string& policy_name, std::uint64_t seed, const sim::Summary& s,
             const NamedValues& analysis) {
  Row row;
  row["scenario"] = scenario;
  row["policy"] = policy_label;
  row["seed"] = seed;
  row["policy_name"] = policy_name;
  // simulate's summary.json, key for key (its scenario, policy and seed are the row's own).
  const Row summary = Row::parse(sim::summary_json(s).dump());
  for (const auto& [key, value] : summary.items()) {
    if (key == "scenario" || key == "policy" || key == "seed") continue;
    row[key] = value;
  }
  Row a = Row::object();
  for (const auto& [key, value] : analysis) {
    if (value && std::isfinite(*value)) {
      a[key] = *value;
    } else {
      a[key] = nullptr;
    }
  }
  row["analysis"] = std::move(a);
  return row;
}

double row_value(const Row& row, const std::string& path) {
  const Row* node = &row;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object()) return std::numeric_limits<double>::quiet_NaN();
    auto it = node->find(key);
    if (it == node->end()) return std::numeric_limits<double>::quiet_NaN();
    node = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!node->is_number()) return std::numeric_limits<double>::quiet_NaN();
  return node->get<double>();
}

Results collect_results(const Suite& suite, const Plan& plan,
                        const std::vector<RunOutcome>& outcomes, bool interrupted) {
  Results r;
  ExperimentInfo& info = r.info;
  info.suite = suite.name;
  info.description = suite.description;
  for (const ScenarioEntry& e : suite.scenarios) {
    ScenarioInfo s;
    s.name = e.scenario.name;
    s.description = e.scenario.description;
    s.file = e.path;
    s.duration_s = e.scenario.duration;
    s.slo_latency_ms = e.scenario.slo.latency_ms;
    s.load = load_name(e.scenario.load.kind);
    const bool nodes_vary =
        e.scenario.cluster.node_autoscaler.kind != config::NodeAutoscalerKind::None;
    for (const auto& pool : e.scenario.cluster.pools) {
      s.cost_in_usd = s.cost_in_usd || (nodes_vary && pool.cost_per_hour > 0);
    }
    s.max_replicas = e.scenario.autoscaler.max_replicas;
    s.seeds = e.seeds;
    info.scenarios.push_back(std::move(s));
  }
  for (std::size_t p = 0; p < suite.policies.size(); ++p) {
    if (plan.policy_available[p]) {
      info.policies.push_back({suite.policies[p].label, suite.policies[p].name});
    }
  }
  info.skipped = plan.skipped;
  info.planned_runs = plan.runs.size();
  info.interrupted = interrupted;
  for (const RunOutcome& o : outcomes) {
    if (!o.finished) continue;
    const std::string& scenario = suite.scenarios[o.spec.scenario].scenario.name;
    const PolicyEntry& policy = suite.policies[o.spec.policy];
    if (o.error) {
      info.failures.push_back(scenario + "/" + policy.label + "/seed " +
                              std::to_string(o.spec.seed) + ": " + o.error->to_string());
      continue;
    }
    ++info.finished_runs;
    r.rows.push_back(
        make_row(scenario, policy.label, policy.name, o.spec.seed, o.summary, o.analysis));
  }
  return r;
}

nlohmann::ordered_json info_json(const ExperimentInfo& info) {
  nlohmann::ordered_json j;
  j["suite"] = info.suite;
  j["description"] = info.description;
  j["scenarios"] = nlohmann::ordered_json::array();
  for (const ScenarioInfo& s : info.scenarios) {
    nlohmann::ordered_json o;
    o["name"] = s.name;
    o["description"] = s.description;
    o["file"] = s.file;
    o["duration_s"] = s.duration_s;
    o["slo_latency_ms"] = s.slo_latency_ms;
    o["load"] = s.load;
    o["cost_in_usd"] = s.cost_in_usd;
    o["max_replicas"] = s.max_replicas;
    o["seeds"] = s.seeds;
    j["scenarios"].push_back(std::move(o));
  }
  j["policies"] = nlohmann::ordered_json::array();
  for (const PolicyInfo& p : info.policies) {
    j["policies"].push_back({{"label", p.label}, {"name", p.name}});
  }
  j["skipped"] = nlohmann::ordered_json::array();
  for (const SkippedPolicy& s : info.skipped) {
    j["skipped"].push_back({{"label", s.label}, {"reason", s.reason}});
  }
  j["planned_runs"] = info.planned_runs;
  j["finished_runs"] = info.finished_runs;
  j["interrupted"] = info.interrupted;
  j["failures"] = info.failures;
  return j;
}

Result<ExperimentInfo> info_from_json(const nlohmann::ordered_json& j) {
  try {
    ExperimentInfo info;
    info.suite = j.at("suite").get<std::string>();
    info.description = j.value("description", "");
    for (const auto& o : j.at("scenarios")) {
      ScenarioInfo s;
      s.name = o.at("name").get<std::string>();
      s.description = o.value("description", "");
      s.file = o.value("file", "");
      s.duration_s = o.at("duration_s").get<double>();
      s.slo_latency_ms = o.at("slo_latency_ms").get<double>();
      s.load = o.value("load", "");
      s.cost_in_usd = o.value("cost_in_usd", false);
      s.max_replicas = o.value("max_replicas", 0);
      s.seeds = o.at("seeds").get<std::vector<std::uint64_t>>();
      info.scenarios.push_back(std::move(s));
    }
    for (const auto& o : j.at("policies")) {
      info.policies.push_back({o.at("label").get<std::string>(), o.at("name").get<std::string>()});
    }
    for (const auto& o : j.value("skipped", nlohmann::ordered_json::array())) {
      info.skipped.push_back({o.at("label").get<std::string>(), o.at("reason").get<std::string>()});
    }
    info.planned_runs = j.value("planned_runs", std::size_t{0});
    info.finished_runs = j.value("finished_runs", std::size_t{0});
    info.interrupted = j.value("interrupted", false);
    info.failures = j.value("failures", std::vector<std::string>{});
    return info;
  } catch (const nlohmann::json::exception& e) {
    return Error{"experiment.json", std::string("not an experiment description: ") + e.what()};
  }
}

}  // namespace userscale::experiment
