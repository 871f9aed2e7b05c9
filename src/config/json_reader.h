// Typed reads from a JSON document that keep the field path, so that every error says where
// it is (`input.pods.items[3].status.phase: unknown phase "Runing"`). The first error wins;
// reads after it return empty values so that parsing can finish without special cases.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/quantity.h"
#include "core/result.h"
#include "core/timefmt.h"

namespace userscale::config {

using nlohmann::json;

std::string join_path(const std::string& parent, const std::string& key);
std::string index_path(const std::string& parent, std::size_t i);

class JsonReader {
 public:
  // The member `key` of `obj` (which is at `path`), or nullptr when absent or null. A missing
  // required member is an error.
  const json* field(const json& obj, const std::string& path, const std::string& key,
                    bool required);

  const json* object(const json& obj, const std::string& path, const std::string& key,
                     bool required);
  const json* array(const json& obj, const std::string& path, const std::string& key,
                    bool required);
  std::optional<std::string> string(const json& obj, const std::string& path,
                                    const std::string& key, bool required);
  std::optional<std::int64_t> integer(const json& obj, const std::string& path,
                                      const std::string& key, bool required,
                                      std::int64_t min = INT32_MIN, std::int64_t max = INT32_MAX);
  std::optional<double> number(const json& obj, const std::string& path, const std::string& key,
                               bool required);
  std::optional<bool> boolean(const json& obj, const std::string& path, const std::string& key,
                              bool required);
  // A Kubernetes Quantity, written as a string ("500m") or a JSON number.
  std::optional<ParsedQuantity> quantity(const json& obj, const std::string& path,
                                         const std::string& key, bool required);
  std::optional<ParsedQuantity> quantity_value(const json& value, const std::string& path);
  std::optional<Time> time(const json& obj, const std::string& path, const std::string& key,
                           bool required);
  std::optional<Duration> duration(const json& obj, const std::string& path, const std::string& key,
                                   bool required);

  void fail(const std::string& path, const std::string& message);
  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

const char* json_type_name(const json& j);

// The deepest nesting of `j` (a scalar is 1), counted without recursion: copying or dumping a
// document recurses once per level, so a hostile one is measured before it is used.
std::size_t json_depth(const json& j);

}  // namespace userscale::config
