#include "cli/case_evaluators.h"

#include <functional>
#include <map>

#include "config/decision_json.h"
#include "config/hpa_case.h"
#include "config/json_reader.h"
#include "config/kpa_case.h"
#include "config/policy_case.h"
#include "core/policies/hpa.h"
#include "core/reconcile.h"

namespace userscale::cli {
namespace {

using nlohmann::json;
using CaseEvaluator = std::function<Result<json>(const json& doc, std::string* explanation)>;

constexpr std::size_t kMaxCaseDepth = 64;

Result<json> evaluate_hpa_case(const json& doc, std::string* explanation) {
  auto parsed = config::parse_hpa_case(doc);
  if (!parsed) return parsed.error();
  config::HpaCase& c = *parsed;
  HpaPolicy policy(c.spec, c.settings);
  Decision d = reconcile(policy, c.spec, c.settings, c.history, c.observation);
  if (explanation) *explanation = config::explain_decision(d, c.spec);
  return config::decision_to_json(d, "hpa");
}

// The dispatch table: one evaluator per case kind.
const std::map<std::string, CaseEvaluator>& evaluators() {
  static const std::map<std::string, CaseEvaluator> kEvaluators = {
      {"hpa", evaluate_hpa_case},
      {"kpa", config::evaluate_kpa_case},
      {"policy", config::evaluate_policy_case},
  };
  return kEvaluators;
}

}  // namespace

Result<json> evaluate_case(const json& doc, std::string* explanation) {
  if (!doc.is_object()) return Error{"", "a decision case must be a JSON object"};
  // Readers copy parts of the document, and copies recurse once per level: a file nested a few
  // hundred thousand levels deep overflowed the stack (found with tests/fuzz/decision_case).
  // The cases in tests/cases are at most 13 levels deep.
  if (const std::size_t depth = config::json_depth(doc); depth > kMaxCaseDepth) {
    return Error{"", "nested " + std::to_string(depth) + " levels deep, more than the " +
                         std::to_string(kMaxCaseDepth) + " a decision case can use"};
  }
  auto kind_it = doc.find("kind");
  if (kind_it == doc.end()) return Error{"kind", "required field is missing"};
  if (!kind_it->is_string()) return Error{"kind", "expected string"};
  const std::string kind = kind_it->get<std::string>();
  auto ev = evaluators().find(kind);
  if (ev == evaluators().end()) {
    std::string known;
    for (const auto& [k, _] : evaluators()) known += (known.empty() ? "" : ", ") + k;
    return Error{"kind", "unknown case kind \"" + kind + "\" (known: " + known + ")"};
  }
  return ev->second(doc, explanation);
}

}  // namespace userscale::cli
