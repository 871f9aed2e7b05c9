// Typed, path-tracking reads from a yaml-cpp tree. Every read that fails adds an Error naming
// the full field path (`spec.metrics[0].pods.target.averageValue`) and the reason to a shared
// list, and returns nullopt, so that a caller goes on reading and finds every error of a
// document in one pass.
//
// Scalars are typed as Kubernetes reads a manifest (YAML 1.1, then JSON): `5` is an integer,
// `"5"` a string, `true`/`yes`/`on` booleans, `~`/`null` nothing. A field of the wrong type is
// an error, as `kubectl apply` would make it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/validated.h"
#include "core/quantity.h"

namespace userscale {

enum class YamlKind { Null, Bool, Integer, Float, String, List, Map };

YamlKind yaml_kind(const YAML::Node& node);
// "null", "boolean", "integer", "number", "string", "list", "map".
std::string_view kind_name(YamlKind kind);
// For messages: `string "5"`, `integer 5`, `map`.
std::string describe_value(const YAML::Node& node);

// Paths in the Kubernetes field.Path form.
std::string field_path(std::string_view parent, std::string_view field);  // spec.maxReplicas
std::string item_path(std::string_view parent, std::size_t index);        // spec.metrics[0]
std::string key_path(std::string_view parent, std::string_view key);      // labels[app]

// Readers of one value at a known path: nullopt after an error when the type is wrong.
std::optional<std::string> read_string(const YAML::Node& node, const std::string& path,
                                       ErrorList& errors);
// Any scalar (string, number, boolean) as it is written.
std::optional<std::string> read_scalar_text(const YAML::Node& node, const std::string& path,
                                            ErrorList& errors);
std::optional<std::int32_t> read_int32(const YAML::Node& node, const std::string& path,
                                       ErrorList& errors);
// An integer or a finite decimal number.
std::optional<double> read_number(const YAML::Node& node, const std::string& path,
                                  ErrorList& errors);

// A resource.Quantity, written as a string ("500m") or a plain number (2.5).
struct QuantityValue {
  std::string text;  // as written, for messages
  ParsedQuantity parsed;
};
std::optional<QuantityValue> read_quantity(const YAML::Node& node, const std::string& path,
                                           ErrorList& errors);

// A string that must be one of `allowed` (exact case, as the API compares): its index.
std::optional<std::size_t> read_enum(const YAML::Node& node,
                                     const std::vector<std::string_view>& allowed,
                                     const std::string& path, ErrorList& errors);

// True when the node is of `kind`; else adds `expected <kind>, got <value>`.
bool expect_kind(const YAML::Node& node, YamlKind kind, const std::string& path, ErrorList& errors);

enum class Need { kOptional, kRequired };

// Reads one YAML map whose field names are known in advance. On construction it reports a node
// that is not a map, keys given twice and unknown keys (with the closest known name). Each
// getter returns nullopt when the field is absent or null (an error when the field is
// required) or of the wrong type.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, std::vector<std::string_view> known,
            ErrorList& errors);

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view field) const { return field_path(path_, field); }
  ErrorList& errors() const { return errors_; }
  void add_error(std::string_view field, std::string message) const;
  bool has(std::string_view field) const;

  std::optional<YAML::Node> node(std::string_view field, Need need = Need::kOptional) const;
  std::optional<YAML::Node> map(std::string_view field, Need need = Need::kOptional) const;
  std::optional<YAML::Node> list(std::string_view field, Need need = Need::kOptional) const;
  // A required string must also be non-empty.
  std::optional<std::string> string(std::string_view field, Need need = Need::kOptional) const;
  std::optional<std::int32_t> int32(std::string_view field, Need need = Need::kOptional) const;
  std::optional<double> number(std::string_view field, Need need = Need::kOptional) const;
  std::optional<QuantityValue> quantity(std::string_view field, Need need = Need::kOptional) const;
  std::optional<std::size_t> enumeration(std::string_view field,
                                         const std::vector<std::string_view>& allowed,
                                         Need need = Need::kOptional) const;

 private:
  struct Field {
    std::string name;
    YAML::Node value;
  };
  const Field* find(std::string_view field) const;

  std::string path_;
  std::vector<std::string_view> known_;
  ErrorList& errors_;
  bool is_map_ = false;
  std::vector<Field> fields_;  // known fields, first occurrence of each
};

}  // namespace userscale
