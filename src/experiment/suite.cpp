#include "experiment/suite.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/behavior_yaml.h"
#include "config/k8s_objects_yaml.h"
#include "config/metric_spec_yaml.h"
#include "config/yaml_field_reader.h"
#include "core/policies/registry.h"

namespace userscale::experiment {
namespace {

constexpr std::uint64_t kMaxSeeds = 1000;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// `seeds: N` (1..N) or `seeds: [a, b, ...]` (distinct non-negative integers).
std::optional<std::vector<std::uint64_t>> read_seeds(const YAML::Node& node,
                                                     const std::string& path, ErrorList& errors) {
  if (yaml_kind(node) == YamlKind::Integer) {
    auto count = read_int32(node, path, errors);
    if (!count) return std::nullopt;
    if (*count < 1 || static_cast<std::uint64_t>(*count) > kMaxSeeds) {
      errors.push_back(Error{path, "must be a count from 1 to " + std::to_string(kMaxSeeds) +
                                       " or a list of seeds, got " + std::to_string(*count)});
      return std::nullopt;
    }
    std::vector<std::uint64_t> seeds;
    for (std::int32_t i = 1; i <= *count; ++i) seeds.push_back(static_cast<std::uint64_t>(i));
    return seeds;
  }
  if (!expect_kind(node, YamlKind::List, path, errors)) return std::nullopt;
  std::vector<std::uint64_t> seeds;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item = item_path(path, i);
    const YAML::Node& n = node[i];
    if (yaml_kind(n) != YamlKind::Integer || n.Scalar().starts_with("-")) {
      errors.push_back(Error{item, "must be a non-negative integer, got " + describe_value(n)});
      ok = false;
      continue;
    }
    std::uint64_t seed = 0;
    try {
      seed = n.as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      errors.push_back(Error{item, "does not fit in 64 bits: " + n.Scalar()});
      ok = false;
      continue;
    }
    if (std::find(seeds.begin(), seeds.end(), seed) != seeds.end()) {
      errors.push_back(Error{item, "seed " + std::to_string(seed) + " is listed twice"});
      ok = false;
      continue;
    }
    seeds.push_back(seed);
  }
  if (ok && seeds.empty()) {
    errors.push_back(Error{path, "must list at least one seed"});
    return std::nullopt;
  }
  if (seeds.size() > kMaxSeeds) {
    errors.push_back(Error{path, "at most " + std::to_string(kMaxSeeds) + " seeds"});
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return seeds;
}

// Writes a YAML tree back as text, keeping quoted scalars quoted (yaml-cpp's emitter would
// write "4" as 4, which the scenario parser reads as a number).
void emit(YAML::Emitter& out, const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : n) {
        out << YAML::Key;
        emit(out, kv.first);
        out << YAML::Value;
        emit(out, kv.second);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : n) emit(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (n.Tag() == "!") {
        out << YAML::DoubleQuoted << n.Scalar();
      } else {
        out << n.Scalar();
      }
      break;
    default:
      out << YAML::Null;
      break;
  }
}

// Overrides replace leaves and merge maps: `{load: {period: 2h}}` changes one field of `load`.
void merge_into(YAML::Node base, const YAML::Node& over) {
  for (const auto& kv : over) {
    const std::string key = kv.first.Scalar();
    YAML::Node target = base[key];
    if (target.IsMap() && kv.second.IsMap()) {
      merge_into(target, kv.second);
    } else {
      base[key] = YAML::Clone(kv.second);
    }
  }
}

// parse_scenario reports `path: reason` lines; each becomes one error under the suite entry.
void add_scenario_errors(const std::string& entry_path, const std::string& file,
                         const std::string& message, ErrorList& errors) {
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) errors.push_back(Error{entry_path, file + ": " + line});
  }
}

std::optional<ScenarioEntry> read_scenario_entry(const YAML::Node& node, const std::string& path,
                                                 const std::string& base_dir, ErrorList& errors) {
  MapReader r(node, path, {"path", "seeds", "overrides"}, errors);
  if (!r.is_map()) return std::nullopt;
  ScenarioEntry entry;
  const std::size_t errors_before = errors.size();
  if (auto seeds = r.node("seeds")) {
    if (auto s = read_seeds(*seeds, r.path_of("seeds"), errors)) entry.seeds = *s;
  }
  std::optional<YAML::Node> overrides = r.map("overrides");
  auto file = r.string("path", Need::kRequired);
  if (!file) return std::nullopt;
  entry.path = *file;
  const std::filesystem::path full = std::filesystem::path(base_dir) / *file;
  auto text = read_file(full.string());
  if (!text) {
    r.add_error("path", "cannot read the scenario file " + full.string());
    return std::nullopt;
  }
  std::string document = *text;
  if (overrides) {
    YAML::Node root;
    try {
      root = YAML::Load(document);
    } catch (const YAML::Exception& e) {
      r.add_error("path", full.string() + ": not valid YAML: " + e.what());
      return std::nullopt;
    }
    if (!root.IsMap()) {
      r.add_error("path", full.string() + ": must be a YAML mapping");
      return std::nullopt;
    }
    merge_into(root, *overrides);
    YAML::Emitter out;
    emit(out, root);
    document = out.c_str();
  }
  auto sc = config::parse_scenario(document, full.parent_path().string());
  if (!sc.ok()) {
    add_scenario_errors(path, *file + (overrides ? " (with overrides)" : ""), sc.error().message,
                        errors);
    return std::nullopt;
  }
  entry.scenario = std::move(sc).value();
  if (entry.scenario.load.kind == config::LoadKind::Trace) {
    auto trace = config::load_trace(entry.scenario.load.trace_path);
    if (!trace.ok()) {
      errors.push_back(Error{path, *file + ": load.trace: " + trace.error().to_string()});
      return std::nullopt;
    }
    entry.trace = std::move(trace).value();
  }
  if (errors.size() != errors_before) return std::nullopt;
  return entry;
}

bool valid_label(const std::string& label) {
  return !label.empty() && label.size() <= 63 &&
         std::all_of(label.begin(), label.end(),
                     [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                     }) &&
         label != "." && label != "..";
}

// `none`, `scenario`, or the value itself (read by `read_own`).
template <typename ReadOwn>
Inherit read_inherit(const MapReader& r, std::string_view field, ReadOwn read_own) {
  auto node = r.node(field);
  if (!node) return Inherit::Default;
  if (node->IsScalar()) {
    auto which = r.enumeration(field, {"none", "scenario"});
    if (!which) return Inherit::Default;
    return *which == 0 ? Inherit::None : Inherit::Scenario;
  }
  read_own(*node, r.path_of(field));
  return Inherit::Own;
}

// The policy's own checks name a parameter `spec.policy.params.X`; in a suite it is
// `policies[i].params.X`.
void add_param_errors(const PolicyEntry& p, const std::string& path, ErrorList& errors) {
  AutoscalerSpec spec;
  spec.policy.name = p.name;
  spec.policy.params = p.params.value_or(std::map<std::string, std::string>{});
  if (p.sync_period_seconds) spec.sync_period_seconds = *p.sync_period_seconds;
  const std::string prefix = "spec.policy.";
  for (const Error& e : policy_param_errors(spec)) {
    // A policy that is not built into this binary is not an input error: the runner skips it.
    if (e.path == "spec.policy.name") continue;
    std::string where = e.path.starts_with(prefix) ? e.path.substr(prefix.size()) : e.path;
    errors.push_back(Error{field_path(path, where), e.message});
  }
}

std::optional<PolicyEntry> read_policy_entry(const YAML::Node& node, const std::string& path,
                                             ErrorList& errors) {
  MapReader r(node, path, {"name", "label", "params", "syncPeriodSeconds", "metrics", "behavior"},
              errors);
  if (!r.is_map()) return std::nullopt;
  const std::size_t errors_before = errors.size();
  PolicyEntry p;
  const std::vector<std::string>& names = policy_names();
  auto name = r.enumeration("name", {names.begin(), names.end()}, Need::kRequired);
  if (name) p.name = names[*name];
  p.label = p.name;
  if (auto label = r.string("label")) {
    if (valid_label(*label)) {
      p.label = *label;
    } else {
      r.add_error("label", "must be 1-63 letters, digits, '-', '_' or '.', got \"" + *label + "\"");
    }
  }
  if (auto params = r.node("params")) {
    p.params = read_scalar_map(*params, r.path_of("params"), errors);
  }
  if (auto sync = r.number("syncPeriodSeconds")) {
    if (*sync <= 0.0 || *sync > 3600.0) {
      r.add_error("syncPeriodSeconds",
                  "must be > 0 and <= 3600, got " + r.node("syncPeriodSeconds")->Scalar());
    } else {
      p.sync_period_seconds = *sync;
    }
  }
  p.metrics_from = read_inherit(r, "metrics", [&](const YAML::Node& n, const std::string& at) {
    p.metrics = read_metric_specs(n, at, errors);
  });
  p.behavior_from = read_inherit(r, "behavior", [&](const YAML::Node& n, const std::string& at) {
    p.behavior = read_behavior(n, at, errors);
  });
  if (name && errors.size() == errors_before) add_param_errors(p, path, errors);
  if (errors.size() != errors_before) return std::nullopt;
  return p;
}

MetricSpec default_cpu_metric() {
  MetricSpec cpu;
  cpu.type = MetricSourceType::Resource;
  cpu.type_name = "Resource";
  cpu.name = "cpu";
  cpu.target.type = MetricTargetType::Utilization;
  cpu.target.average_utilization = 80;
  return cpu;
}

}  // namespace

Validated<Suite> parse_suite(const std::string& yaml_text, const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return ErrorList{Error{"", "not valid YAML: " + std::string(e.what())}};
  }
  ErrorList errors;
  MapReader r(root, "", {"name", "description", "seeds", "scenarios", "policies", "analysis"},
              errors);
  if (!r.is_map()) return errors;
  Suite suite;
  if (auto name = r.string("name")) suite.name = *name;
  if (auto description = r.string("description")) suite.description = *description;
  std::vector<std::uint64_t> seeds = {1};
  if (auto node = r.node("seeds")) {
    if (auto s = read_seeds(*node, r.path_of("seeds"), errors)) seeds = *s;
  }
  if (auto list = r.list("scenarios", Need::kRequired)) {
    if (list->size() == 0) r.add_error("scenarios", "must list at least one scenario");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = item_path("scenarios", i);
      auto entry = read_scenario_entry((*list)[i], path, base_dir, errors);
      if (!entry) continue;
      if (entry->seeds.empty()) entry->seeds = seeds;
      for (std::size_t j = 0; j < suite.scenarios.size(); ++j) {
        if (suite.scenarios[j].scenario.name == entry->scenario.name) {
          errors.push_back(Error{field_path(path, "path"),
                                 "scenario name \"" + entry->scenario.name +
                                     "\" is already used by " + suite.scenarios[j].path});
        }
      }
      suite.scenarios.push_back(std::move(*entry));
    }
  }
  if (auto list = r.list("policies", Need::kRequired)) {
    if (list->size() == 0) r.add_error("policies", "must list at least one policy");
    std::set<std::string> labels;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = item_path("policies", i);
      auto entry = read_policy_entry((*list)[i], path, errors);
      if (!entry) continue;
      if (!labels.insert(entry->label).second) {
        errors.push_back(Error{
            field_path(path, "label"),
            "\"" + entry->label + "\" names another policy entry too; give each a unique label"});
        continue;
      }
      suite.policies.push_back(std::move(*entry));
    }
  }
  if (auto analysis = r.map("analysis")) {
    MapReader a(*analysis, r.path_of("analysis"), {"targetUtilization"}, errors);
    if (auto u = a.number("targetUtilization")) {
      if (*u <= 0.0 || *u > 1.0) {
        a.add_error("targetUtilization", "must be > 0 and <= 1, got " + std::to_string(*u));
      } else {
        suite.analysis.target_utilization = *u;
      }
    }
  }
  if (!errors.empty()) return errors;
  return suite;
}

Validated<Suite> load_suite(const std::string& path) {
  auto text = read_file(path);
  if (!text) return ErrorList{Error{path, "cannot read the suite file"}};
  auto suite = parse_suite(*text, std::filesystem::path(path).parent_path().string());
  if (suite.ok()) return suite;
  ErrorList errors;
  for (const Error& e : suite.errors()) {
    errors.push_back(Error{e.path.empty() ? path : path + ": " + e.path, e.message});
  }
  return errors;
}

AutoscalerSpec apply_policy(const AutoscalerSpec& scenario_spec, const PolicyEntry& p) {
  AutoscalerSpec spec = scenario_spec;
  const bool same_policy = scenario_spec.policy.name == p.name;
  spec.policy.name = p.name;
  if (p.params) {
    spec.policy.params = *p.params;
  } else if (!same_policy) {
    spec.policy.params.clear();  // another policy's parameters do not carry over
  }
  if (p.sync_period_seconds) spec.sync_period_seconds = *p.sync_period_seconds;

  const bool keep_metrics = p.metrics_from == Inherit::Scenario ||
                            (p.metrics_from == Inherit::Default && p.name == "hpa");
  if (p.metrics_from == Inherit::Own) {
    spec.metrics = p.metrics;
  } else if (!keep_metrics) {
    spec.metrics.clear();
  }
  // As the API server does for an HPA without metrics (hpa-gpu adds its own GPU metric).
  if (spec.metrics.empty() && p.name == "hpa") spec.metrics.push_back(default_cpu_metric());

  const bool keep_behavior =
      p.behavior_from == Inherit::Scenario ||
      (p.behavior_from == Inherit::Default && (p.name == "hpa" || p.name == "hpa-gpu"));
  if (p.behavior_from == Inherit::Own) {
    spec.behavior = p.behavior;
  } else if (!keep_behavior) {
    spec.behavior.reset();
  }
  return spec;
}

}  // namespace userscale::experiment
