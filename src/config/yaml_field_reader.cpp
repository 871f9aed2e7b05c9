#include "config/yaml_field_reader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "config/closest_name.h"

namespace userscale {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string_view strip_sign(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return s;
}

bool is_yaml_integer(std::string_view s) {
  return all_digits(strip_sign(s));
}

// YAML 1.1 floats as Kubernetes' reader takes them: 1.5, .5, 1., 1e3, 1.5E-2, .inf, .nan.
bool is_yaml_float(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kSpecial = {".inf", ".Inf", ".INF",
                                                               ".nan", ".NaN", ".NAN"};
  std::string_view m = strip_sign(s);
  if (std::find(kSpecial.begin(), kSpecial.end(), m) != kSpecial.end()) return true;
  std::size_t e = m.find_first_of("eE");
  std::string_view mantissa = m.substr(0, e);
  if (e != std::string_view::npos && !all_digits(strip_sign(m.substr(e + 1)))) return false;
  std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return e != std::string_view::npos && all_digits(mantissa);
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view frac = mantissa.substr(dot + 1);
  if (whole.empty() && frac.empty()) return false;
  return (whole.empty() || all_digits(whole)) && (frac.empty() || all_digits(frac));
}

bool is_yaml_bool(std::string_view s) {
  static constexpr std::array<std::string_view, 18> kBools = {
      "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
      "no",   "No",   "NO",   "on",    "On",    "ON",    "off", "Off", "OFF"};
  return std::find(kBools.begin(), kBools.end(), s) != kBools.end();
}

bool is_yaml_null(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// A scalar as messages quote it: control characters replaced, long text cut, so that a
// binary or runaway value still gives a one-line message.
std::string quotable(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  std::string out;
  for (char c : text.substr(0, kMaxShown)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

std::string type_error(YamlKind expected, const YAML::Node& node) {
  return "expected " + std::string(kind_name(expected)) + ", got " + describe_value(node);
}

}  // namespace

YamlKind yaml_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return YamlKind::List;
    case YAML::NodeType::Map:
      return YamlKind::Map;
    case YAML::NodeType::Scalar:
      break;
    default:
      return YamlKind::Null;  // Null and Undefined
  }
  const std::string& tag = node.Tag();
  // Quoted scalars ("!") and explicit !!str are strings whatever their text.
  if (tag == "!" || ends_with(tag, ":str")) return YamlKind::String;
  const std::string& text = node.Scalar();
  if (is_yaml_null(text)) return YamlKind::Null;
  if (is_yaml_bool(text)) return YamlKind::Bool;
  if (is_yaml_integer(text)) return YamlKind::Integer;
  if (is_yaml_float(text)) return YamlKind::Float;
  return YamlKind::String;
}

std::string_view kind_name(YamlKind kind) {
  switch (kind) {
    case YamlKind::Null:
      return "null";
    case YamlKind::Bool:
      return "boolean";
    case YamlKind::Integer:
      return "integer";
    case YamlKind::Float:
      return "number";
    case YamlKind::String:
      return "string";
    case YamlKind::List:
      return "list";
    case YamlKind::Map:
      return "map";
  }
  return "value";
}

std::string describe_value(const YAML::Node& node) {
  YamlKind kind = yaml_kind(node);
  switch (kind) {
    case YamlKind::Null:
    case YamlKind::List:
    case YamlKind::Map:
      return std::string(kind_name(kind));
    case YamlKind::String:
      return "string \"" + quotable(node.Scalar()) + "\"";
    default:
      return std::string(kind_name(kind)) + " " + quotable(node.Scalar());
  }
}

std::string field_path(std::string_view parent, std::string_view field) {
  if (parent.empty()) return std::string(field);
  std::string out(parent);
  out += '.';
  out += field;
  return out;
}

std::string item_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string key_path(std::string_view parent, std::string_view key) {
  return std::string(parent) + "[" + std::string(key) + "]";
}

bool expect_kind(const YAML::Node& node, YamlKind kind, const std::string& path,
                 ErrorList& errors) {
  if (yaml_kind(node) == kind) return true;
  errors.push_back({path, type_error(kind, node)});
  return false;
}

std::optional<std::string> read_string(const YAML::Node& node, const std::string& path,
                                       ErrorList& errors) {
  if (!expect_kind(node, YamlKind::String, path, errors)) return std::nullopt;
  return node.Scalar();
}

std::optional<std::string> read_scalar_text(const YAML::Node& node, const std::string& path,
                                            ErrorList& errors) {
  YamlKind kind = yaml_kind(node);
  if (kind == YamlKind::Null || kind == YamlKind::List || kind == YamlKind::Map) {
    errors.push_back({path, "expected a string, number or boolean, got " + describe_value(node)});
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::int32_t> read_int32(const YAML::Node& node, const std::string& path,
                                       ErrorList& errors) {
  if (!expect_kind(node, YamlKind::Integer, path, errors)) return std::nullopt;
  std::string_view text = node.Scalar();
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() ||
      v < std::numeric_limits<std::int32_t>::min() ||
      v > std::numeric_limits<std::int32_t>::max()) {
    errors.push_back({path, "must be a 32-bit integer, got " + node.Scalar()});
    return std::nullopt;
  }
  return static_cast<std::int32_t>(v);
}

std::optional<double> read_number(const YAML::Node& node, const std::string& path,
                                  ErrorList& errors) {
  YamlKind kind = yaml_kind(node);
  if (kind != YamlKind::Integer && kind != YamlKind::Float) {
    errors.push_back({path, "expected number, got " + describe_value(node)});
    return std::nullopt;
  }
  std::string_view text = node.Scalar();
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double v = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    errors.push_back({path, "must be a finite number, got " + node.Scalar()});
    return std::nullopt;
  }
  return v;
}

std::optional<QuantityValue> read_quantity(const YAML::Node& node, const std::string& path,
                                           ErrorList& errors) {
  YamlKind kind = yaml_kind(node);
  if (kind != YamlKind::String && kind != YamlKind::Integer && kind != YamlKind::Float) {
    errors.push_back({path, "expected quantity, got " + describe_value(node)});
    return std::nullopt;
  }
  auto parsed = parse_quantity(node.Scalar());
  if (!parsed) {
    errors.push_back({path, "must be a quantity such as \"500m\", \"2\" or \"1Gi\", got \"" +
                                node.Scalar() + "\""});
    return std::nullopt;
  }
  return QuantityValue{node.Scalar(), *parsed};
}

std::optional<std::size_t> read_enum(const YAML::Node& node,
                                     const std::vector<std::string_view>& allowed,
                                     const std::string& path, ErrorList& errors) {
  auto text = read_string(node, path, errors);
  if (!text) return std::nullopt;
  auto it = std::find(allowed.begin(), allowed.end(), *text);
  if (it != allowed.end()) return static_cast<std::size_t>(it - allowed.begin());
  std::string message = "must be one of " + join(allowed) + ", got \"" + *text + "\"";
  if (auto near = closest_name(*text, allowed)) message += " (did you mean \"" + *near + "\"?)";
  errors.push_back({path, message});
  return std::nullopt;
}

MapReader::MapReader(const YAML::Node& node, std::string path, std::vector<std::string_view> known,
                     ErrorList& errors)
    : path_(std::move(path)), known_(std::move(known)), errors_(errors) {
  if (!expect_kind(node, YamlKind::Map, path_, errors_)) return;
  is_map_ = true;
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    YamlKind key_kind = yaml_kind(it->first);
    if (key_kind == YamlKind::List || key_kind == YamlKind::Map) {
      errors_.push_back({path_, "field names must be strings, got " + describe_value(it->first)});
      continue;
    }
    std::string name = it->first.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      add_error(name, "duplicate field");
      continue;
    }
    seen.push_back(name);
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      std::string message = "unknown field";
      if (auto near = closest_name(name, known_)) message += ", did you mean \"" + *near + "\"?";
      add_error(name, message);
      continue;
    }
    fields_.push_back({name, it->second});
  }
}

void MapReader::add_error(std::string_view field, std::string message) const {
  errors_.push_back({path_of(field), std::move(message)});
}

const MapReader::Field* MapReader::find(std::string_view field) const {
  // Asking for a field the reader was not told about is a bug in the caller, not bad input.
  if (std::find(known_.begin(), known_.end(), field) == known_.end()) {
    throw std::logic_error("MapReader: field not declared: " + std::string(field));
  }
  for (const Field& f : fields_) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

bool MapReader::has(std::string_view field) const {
  const Field* f = find(field);
  return f != nullptr && yaml_kind(f->value) != YamlKind::Null;
}

std::optional<YAML::Node> MapReader::node(std::string_view field, Need need) const {
  const Field* f = find(field);
  if (f == nullptr || yaml_kind(f->value) == YamlKind::Null) {
    if (need == Need::kRequired && is_map_) add_error(field, "missing required field");
    return std::nullopt;
  }
  return f->value;
}

std::optional<YAML::Node> MapReader::map(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n || !expect_kind(*n, YamlKind::Map, path_of(field), errors_)) return std::nullopt;
  return n;
}

std::optional<YAML::Node> MapReader::list(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n || !expect_kind(*n, YamlKind::List, path_of(field), errors_)) return std::nullopt;
  return n;
}

std::optional<std::string> MapReader::string(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n) return std::nullopt;
  auto s = read_string(*n, path_of(field), errors_);
  if (s && s->empty() && need == Need::kRequired) {
    add_error(field, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int32_t> MapReader::int32(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n) return std::nullopt;
  return read_int32(*n, path_of(field), errors_);
}

std::optional<double> MapReader::number(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n) return std::nullopt;
  return read_number(*n, path_of(field), errors_);
}

std::optional<QuantityValue> MapReader::quantity(std::string_view field, Need need) const {
  auto n = node(field, need);
  if (!n) return std::nullopt;
  return read_quantity(*n, path_of(field), errors_);
}

std::optional<std::size_t> MapReader::enumeration(std::string_view field,
                                                  const std::vector<std::string_view>& allowed,
                                                  Need need) const {
  auto n = node(field, need);
  if (!n) return std::nullopt;
  return read_enum(*n, allowed, path_of(field), errors_);
}

}  // namespace userscale
