// `userscale decide CASE.json`: evaluate one decision case and print the JSON result.
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "config/decision_json.h"
#include "config/hpa_case.h"
#include "core/policies/hpa.h"
#include "core/reconcile.h"

namespace userscale::cli {
namespace {

using nlohmann::json;

// One evaluator per case kind; `explanation` is filled when --explain is given.
using CaseEvaluator = std::function<Result<json>(const json& doc, std::string* explanation)>;

Result<json> evaluate_hpa_case(const json& doc, std::string* explanation) {
  auto parsed = config::parse_hpa_case(doc);
  if (!parsed) return parsed.error();
  config::HpaCase& c = *parsed;
  HpaPolicy policy(c.spec, c.settings);
  Decision d = reconcile(policy, c.spec, c.settings, c.history, c.observation);
  if (explanation) *explanation = config::explain_decision(d, c.spec);
  return config::decision_to_json(d, "hpa");
}

const std::map<std::string, CaseEvaluator>& evaluators() {
  static const std::map<std::string, CaseEvaluator> kEvaluators = {
      {"hpa", evaluate_hpa_case},
  };
  return kEvaluators;
}

int run_decide(const std::string& path, bool explain) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot read file\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  json doc;
  try {
    doc = json::parse(buf.str());
  } catch (const json::parse_error& e) {
    // The library reports syntax errors by exception; this is the boundary that turns it
    // into a clear message and exit 2.
    std::cerr << path << ": not valid JSON: " << e.what() << "\n";
    return 2;
  }
  if (!doc.is_object()) {
    std::cerr << path << ": a decision case must be a JSON object\n";
    return 2;
  }
  auto kind_it = doc.find("kind");
  if (kind_it == doc.end() || !kind_it->is_string()) {
    std::cerr << path << ": kind: "
              << (kind_it == doc.end() ? "required field is missing" : "expected string") << "\n";
    return 2;
  }
  auto ev = evaluators().find(kind_it->get<std::string>());
  if (ev == evaluators().end()) {
    std::string known;
    for (const auto& [k, _] : evaluators()) known += (known.empty() ? "" : ", ") + k;
    std::cerr << path << ": kind: unknown case kind \"" << kind_it->get<std::string>()
              << "\" (known: " << known << ")\n";
    return 2;
  }
  std::string explanation;
  auto result = ev->second(doc, explain ? &explanation : nullptr);
  if (!result) {
    std::cerr << path << ": " << result.error().to_string() << "\n";
    return 2;
  }
  std::cout << result->dump() << "\n";
  if (explain) std::cerr << explanation;
  return 0;
}

}  // namespace

void add_decide_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "decide", "Evaluate one decision case: what would this autoscaler do now, and why?");
  static std::string path;
  static bool explain = false;
  cmd->add_option("case", path, "decision case JSON file (kinds: hpa)")->required();
  cmd->add_flag("--explain", explain, "also print a human-readable account on stderr");
  cmd->callback([&exit_code] { exit_code = run_decide(path, explain); });
}

}  // namespace userscale::cli
