#include "config/k8s_objects_yaml.h"

#include <algorithm>
#include <array>

#include "config/k8s_names.h"

namespace userscale {
namespace {

void check(const StringCheck& rule, std::string_view value, const std::string& path,
           ErrorList& errors) {
  if (!rule) return;
  if (auto reason = rule(value)) errors.push_back({path, *reason});
}

SelectorRequirement read_requirement(const YAML::Node& node, const std::string& path,
                                     ErrorList& errors) {
  static const std::vector<std::string_view> kOperators = {"In", "NotIn", "Exists", "DoesNotExist"};
  static constexpr std::array kOps = {SelectorOp::In, SelectorOp::NotIn, SelectorOp::Exists,
                                      SelectorOp::DoesNotExist};
  MapReader r(node, path, {"key", "operator", "values"}, errors);
  SelectorRequirement req;
  if (auto key = r.string("key", Need::kRequired)) {
    check(check_qualified_name, *key, r.path_of("key"), errors);
    req.key = *key;
  }
  auto op = r.enumeration("operator", kOperators, Need::kRequired);
  if (op) req.op = kOps[*op];
  std::size_t value_count = 0;
  bool values_readable = !r.has("values");
  if (auto values = r.list("values")) {
    value_count = values->size();
    values_readable = true;
    for (std::size_t i = 0; i < values->size(); ++i) {
      std::string value_path = item_path(r.path_of("values"), i);
      if (auto v = read_string((*values)[i], value_path, errors)) {
        check(check_label_value, *v, value_path, errors);
        req.values.push_back(*v);
      }
    }
  }
  if (op && values_readable) {
    bool wants_values = req.op == SelectorOp::In || req.op == SelectorOp::NotIn;
    bool has_values = value_count > 0;
    if (wants_values && !has_values) {
      r.add_error("values", "must not be empty when operator is " + std::string(kOperators[*op]));
    } else if (!wants_values && has_values) {
      r.add_error("values", "must be empty when operator is " + std::string(kOperators[*op]));
    }
  }
  return req;
}

using ValueReader = std::optional<std::string> (*)(const YAML::Node&, const std::string&,
                                                   ErrorList&);

std::map<std::string, std::string> read_map(const YAML::Node& node, const std::string& path,
                                            ErrorList& errors, const StringCheck& check_key,
                                            const StringCheck& check_value, ValueReader read_value,
                                            bool dotted_paths) {
  std::map<std::string, std::string> out;
  if (!expect_kind(node, YamlKind::Map, path, errors)) return out;
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    YamlKind key_kind = yaml_kind(it->first);
    if (key_kind == YamlKind::List || key_kind == YamlKind::Map) {
      errors.push_back({path, "keys must be strings, got " + describe_value(it->first)});
      continue;
    }
    std::string key = it->first.Scalar();
    std::string entry_path = dotted_paths ? field_path(path, key) : key_path(path, key);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      errors.push_back({entry_path, "duplicate key"});
      continue;
    }
    seen.push_back(key);
    check(check_key, key, entry_path, errors);
    auto value = read_value(it->second, entry_path, errors);
    if (!value) continue;
    check(check_value, *value, entry_path, errors);
    out.emplace(key, *value);
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> read_string_map(const YAML::Node& node, const std::string& path,
                                                   ErrorList& errors, const StringCheck& check_key,
                                                   const StringCheck& check_value) {
  return read_map(node, path, errors, check_key, check_value, read_string, false);
}

std::map<std::string, std::string> read_scalar_map(const YAML::Node& node, const std::string& path,
                                                   ErrorList& errors) {
  return read_map(node, path, errors, {}, {}, read_scalar_text, true);
}

Labels read_labels(const YAML::Node& node, const std::string& path, ErrorList& errors) {
  return read_string_map(node, path, errors, check_qualified_name, check_label_value);
}

LabelSelector read_label_selector(const YAML::Node& node, const std::string& path,
                                  ErrorList& errors) {
  MapReader r(node, path, {"matchLabels", "matchExpressions"}, errors);
  LabelSelector selector;
  if (auto labels = r.node("matchLabels")) {
    selector.match_labels = read_labels(*labels, r.path_of("matchLabels"), errors);
  }
  if (auto expressions = r.list("matchExpressions")) {
    for (std::size_t i = 0; i < expressions->size(); ++i) {
      selector.match_expressions.push_back(
          read_requirement((*expressions)[i], item_path(r.path_of("matchExpressions"), i), errors));
    }
  }
  return selector;
}

ObjectReference read_object_reference(const YAML::Node& node, const std::string& path,
                                      ErrorList& errors) {
  MapReader r(node, path, {"apiVersion", "kind", "name"}, errors);
  ObjectReference ref;
  if (auto api_version = r.string("apiVersion")) ref.api_version = *api_version;
  if (auto kind = r.string("kind", Need::kRequired)) {
    check(check_path_segment_name, *kind, r.path_of("kind"), errors);
    ref.kind = *kind;
  }
  if (auto name = r.string("name", Need::kRequired)) {
    check(check_path_segment_name, *name, r.path_of("name"), errors);
    ref.name = *name;
  }
  return ref;
}

}  // namespace userscale
