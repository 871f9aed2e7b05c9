// Kubernetes label selectors: the structured form (matchLabels, matchExpressions) and the
// string form carried by a Scale's status.selector.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace userscale {

using Labels = std::map<std::string, std::string>;

enum class SelectorOp { In, NotIn, Exists, DoesNotExist, Equals, NotEquals };

struct SelectorRequirement {
  std::string key;
  SelectorOp op = SelectorOp::Exists;
  std::vector<std::string> values;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<SelectorRequirement> match_expressions;

  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool matches(const Labels& labels) const;
};

bool requirement_matches(const SelectorRequirement& r, const Labels& labels);

// The string form of a structured selector, as the API's labelSelector query parameter takes
// it (metav1.LabelSelectorAsSelector(...).String()): "app=web,env in (a,b),!legacy". Values of
// In/NotIn are sorted, like upstream's.
std::string to_selector_string(const LabelSelector& s);

// Parses "app=web,tier!=db,env in (a,b),!legacy,canary". nullopt when malformed.
std::optional<std::vector<SelectorRequirement>> parse_selector_string(std::string_view text);

}  // namespace userscale
