// A small OpenAPI v3 checker for the structural schemas of CustomResourceDefinitions: what the
// API server checks when it admits a custom resource with strict field validation (types,
// required, enum, minimum/maximum, minLength/maxLength, pattern, minItems, unknown fields,
// x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields). There is no API server
// here, so the deploy tests run each example GPUAutoscaler through this against the CRD.
// YAML scalars are typed as the API server's YAML-to-JSON step types them: a quoted scalar is
// a string; a plain one is an integer, a number, a boolean, null or a string by its text.
#pragma once

#include <yaml-cpp/yaml.h>

#include <regex>
#include <string>
#include <vector>

namespace userscale::testing {

enum class JsonType { Null, Boolean, Integer, Number, String, Object, Array };

inline JsonType json_type(const YAML::Node& n) {
  if (n.IsMap()) return JsonType::Object;
  if (n.IsSequence()) return JsonType::Array;
  if (n.IsNull()) return JsonType::Null;
  if (n.Tag() == "!") return JsonType::String;  // quoted
  const std::string& s = n.Scalar();
  static const std::regex kInt(R"(^[-+]?[0-9]+$)");
  static const std::regex kNum(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(s, kInt)) return JsonType::Integer;
  if (std::regex_match(s, kNum)) return JsonType::Number;
  if (s == "true" || s == "false") return JsonType::Boolean;
  if (s == "null" || s == "~") return JsonType::Null;
  return JsonType::String;
}

inline bool type_matches(const std::string& type, JsonType t) {
  if (type == "object") return t == JsonType::Object;
  if (type == "array") return t == JsonType::Array;
  if (type == "string") return t == JsonType::String;
  if (type == "integer") return t == JsonType::Integer;
  if (type == "number") return t == JsonType::Integer || t == JsonType::Number;
  if (type == "boolean") return t == JsonType::Boolean;
  return false;
}

inline bool schema_flag(const YAML::Node& schema, const char* key) {
  return schema[key] && schema[key].as<std::string>() == "true";
}

// Appends "path: reason" for every way `value` breaks `schema`.
inline void check_openapi(const YAML::Node& schema, const YAML::Node& value,
                          const std::string& path, std::vector<std::string>& errors) {
  auto fail = [&](const std::string& reason) { errors.push_back(path + ": " + reason); };
  if (schema_flag(schema, "x-kubernetes-preserve-unknown-fields") && !schema["type"]) return;
  const JsonType t = json_type(value);
  if (schema_flag(schema, "x-kubernetes-int-or-string")) {
    if (t != JsonType::Integer && t != JsonType::String) fail("must be an integer or a string");
    if (t == JsonType::String && schema["pattern"] &&
        !std::regex_search(value.Scalar(), std::regex(schema["pattern"].as<std::string>()))) {
      fail("does not match the pattern");
    }
    return;
  }
  const std::string type = schema["type"] ? schema["type"].as<std::string>() : "";
  if (!type.empty() && !type_matches(type, t)) {
    fail("must be of type " + type);
    return;
  }
  if (schema["enum"]) {
    bool found = false;
    for (const auto& e : schema["enum"]) found = found || e.as<std::string>() == value.Scalar();
    if (!found) fail("not one of the enum values: \"" + value.Scalar() + "\"");
  }
  if (t == JsonType::Integer || t == JsonType::Number) {
    const double v = value.as<double>();
    const bool exclusive = schema_flag(schema, "exclusiveMinimum");
    if (schema["minimum"]) {
      const double lo = schema["minimum"].as<double>();
      if (exclusive ? !(v > lo) : v < lo) fail("below the minimum");
    }
    if (schema["maximum"] && v > schema["maximum"].as<double>()) fail("above the maximum");
  }
  if (t == JsonType::String) {
    const std::string& s = value.Scalar();
    if (schema["minLength"] && s.size() < schema["minLength"].as<std::size_t>()) fail("too short");
    if (schema["maxLength"] && s.size() > schema["maxLength"].as<std::size_t>()) fail("too long");
    if (schema["pattern"] && !std::regex_search(s, std::regex(schema["pattern"].as<std::string>())))
      fail("does not match the pattern");
  }
  if (t == JsonType::Array) {
    if (schema["minItems"] && value.size() < schema["minItems"].as<std::size_t>()) {
      fail("fewer items than minItems");
    }
    if (schema["items"]) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        check_openapi(schema["items"], value[i], path + "[" + std::to_string(i) + "]", errors);
      }
    }
  }
  if (t == JsonType::Object) {
    if (schema["required"]) {
      for (const auto& r : schema["required"]) {
        if (!value[r.as<std::string>()]) fail("required field \"" + r.as<std::string>() + "\"");
      }
    }
    const YAML::Node props = schema["properties"];
    const YAML::Node additional = schema["additionalProperties"];
    const bool keep_unknown = schema_flag(schema, "x-kubernetes-preserve-unknown-fields");
    for (const auto& kv : value) {
      const std::string key = kv.first.as<std::string>();
      const std::string child = path.empty() ? key : path + "." + key;
      if (props && props[key]) {
        check_openapi(props[key], kv.second, child, errors);
      } else if (additional && additional.IsMap()) {
        check_openapi(additional, kv.second, child, errors);
      } else if (props && !keep_unknown) {
        errors.push_back(child + ": unknown field");
      }
    }
  }
}

}  // namespace userscale::testing
