#include "config/json_reader.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace userscale::config {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

const char* json_type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    default:
      return "value";
  }
}

void JsonReader::fail(const std::string& path, const std::string& message) {
  if (!error_) error_ = Error{path, message};
}

const json* JsonReader::field(const json& obj, const std::string& path, const std::string& key,
                              bool required) {
  if (error_) return nullptr;
  if (!obj.is_object()) {
    fail(path, std::string("expected object, got ") + json_type_name(obj));
    return nullptr;
  }
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) fail(join_path(path, key), "required field is missing");
    return nullptr;
  }
  return &*it;
}

const json* JsonReader::object(const json& obj, const std::string& path, const std::string& key,
                               bool required) {
  const json* v = field(obj, path, key, required);
  if (v && !v->is_object()) {
    fail(join_path(path, key), std::string("expected object, got ") + json_type_name(*v));
    return nullptr;
  }
  return v;
}

const json* JsonReader::array(const json& obj, const std::string& path, const std::string& key,
                              bool required) {
  const json* v = field(obj, path, key, required);
  if (v && !v->is_array()) {
    fail(join_path(path, key), std::string("expected array, got ") + json_type_name(*v));
    return nullptr;
  }
  return v;
}

std::optional<std::string> JsonReader::string(const json& obj, const std::string& path,
                                              const std::string& key, bool required) {
  const json* v = field(obj, path, key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(join_path(path, key), std::string("expected string, got ") + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::int64_t> JsonReader::integer(const json& obj, const std::string& path,
                                                const std::string& key, bool required,
                                                std::int64_t min, std::int64_t max) {
  const json* v = field(obj, path, key, required);
  if (!v) return std::nullopt;
  std::int64_t out;
  if (v->is_number_integer()) {
    out = v->get<std::int64_t>();
  } else if (v->is_number_unsigned()) {
    fail(join_path(path, key), "integer out of range");
    return std::nullopt;
  } else if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
             std::fabs(v->get<double>()) < 9e15) {
    out = static_cast<std::int64_t>(v->get<double>());
  } else {
    fail(join_path(path, key), std::string("expected integer, got ") + json_type_name(*v));
    return std::nullopt;
  }
  if (out < min || out > max) {
    fail(join_path(path, key), "must be " + std::to_string(min) + ".." + std::to_string(max) +
                                   ", got " + std::to_string(out));
    return std::nullopt;
  }
  return out;
}

std::optional<double> JsonReader::number(const json& obj, const std::string& path,
                                         const std::string& key, bool required) {
  const json* v = field(obj, path, key, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    fail(join_path(path, key), std::string("expected number, got ") + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<bool> JsonReader::boolean(const json& obj, const std::string& path,
                                        const std::string& key, bool required) {
  const json* v = field(obj, path, key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(join_path(path, key), std::string("expected boolean, got ") + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<ParsedQuantity> JsonReader::quantity_value(const json& v, const std::string& path) {
  if (error_) return std::nullopt;
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number_integer()) {
    text = std::to_string(v.get<std::int64_t>());
  } else if (v.is_number()) {
    text = v.dump();
  } else {
    fail(path, std::string("expected quantity, got ") + json_type_name(v));
    return std::nullopt;
  }
  auto q = parse_quantity(text);
  if (!q) fail(path, "invalid quantity \"" + text + "\"");
  return q;
}

std::optional<ParsedQuantity> JsonReader::quantity(const json& obj, const std::string& path,
                                                   const std::string& key, bool required) {
  const json* v = field(obj, path, key, required);
  if (!v) return std::nullopt;
  return quantity_value(*v, join_path(path, key));
}

std::optional<Time> JsonReader::time(const json& obj, const std::string& path,
                                     const std::string& key, bool required) {
  auto s = string(obj, path, key, required);
  if (!s) return std::nullopt;
  auto t = parse_rfc3339(*s);
  if (!t) fail(join_path(path, key), "invalid RFC 3339 time \"" + *s + "\"");
  return t;
}

std::optional<Duration> JsonReader::duration(const json& obj, const std::string& path,
                                             const std::string& key, bool required) {
  auto s = string(obj, path, key, required);
  if (!s) return std::nullopt;
  auto d = parse_go_duration(*s);
  if (!d) fail(join_path(path, key), "invalid duration \"" + *s + "\"");
  return d;
}

std::size_t json_depth(const json& j) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> todo{{&j, 1}};
  while (!todo.empty()) {
    const auto [node, depth] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, depth);
    if (node->is_structured()) {
      for (const json& child : *node) todo.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

}  // namespace userscale::config
