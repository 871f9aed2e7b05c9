// Reads typed fields out of a YAML mapping and collects every problem as `path: reason`, so
// that one run reports all the errors of a document at once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "config/scenario.h"

namespace userscale::config {

class YamlReader {
 public:
  std::vector<std::string> errors;

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  void fail(const std::string& path, const std::string& reason) {
    errors.push_back(path + ": " + reason);
  }

  // A mapping (or absent); false with an error when something else is there.
  bool mapping(const YAML::Node& node, const std::string& path);
  // Reports keys that are not in `allowed`.
  void known(const YAML::Node& map, const std::string& path,
             std::initializer_list<const char*> allowed);

  static constexpr double kNoLimit = std::numeric_limits<double>::infinity();
  // Each returns true when the key was present and valid (`out` then holds it).
  bool number(const YAML::Node& map, const std::string& path, const char* key, double& out,
              double min = -kNoLimit, double max = kNoLimit, bool min_exclusive = false);
  bool integer(const YAML::Node& map, const std::string& path, const char* key, int& out,
               int min = std::numeric_limits<int>::min(),
               int max = std::numeric_limits<int>::max());
  bool uint64(const YAML::Node& map, const std::string& path, const char* key, std::uint64_t& out);
  bool boolean(const YAML::Node& map, const std::string& path, const char* key, bool& out);
  bool string(const YAML::Node& map, const std::string& path, const char* key, std::string& out);
  // Seconds: a number, or Go duration text such as "90s", "2m", "1h30m".
  bool seconds(const YAML::Node& map, const std::string& path, const char* key, double& out,
               bool allow_zero = true);
  // Bytes: a number, or a Kubernetes quantity such as "4Gi", "450Mi", "16G".
  bool bytes(const YAML::Node& map, const std::string& path, const char* key, double& out);
  // CPU cores: a number, or a quantity such as "500m".
  bool cores(const YAML::Node& map, const std::string& path, const char* key, double& out);
  // A distribution: a number (constant) or {dist: constant|uniform|exponential|lognormal|
  // normal|gamma, value|min|max|mean|cv|stddev}; durations accepted where numbers are.
  bool dist(const YAML::Node& map, const std::string& path, const char* key, DistSpec& out);

  template <typename E>
  bool choice(const YAML::Node& map, const std::string& path, const char* key, E& out,
              std::initializer_list<std::pair<const char*, E>> options) {
    std::string text;
    if (!string(map, path, key, text)) return false;
    std::string names;
    for (const auto& [name, value] : options) {
      if (text == name) {
        out = value;
        return true;
      }
      names += names.empty() ? name : std::string(", ") + name;
    }
    fail(join(path, key), "must be one of " + names + ", got \"" + text + "\"");
    return false;
  }

 private:
  bool scalar(const YAML::Node& map, const std::string& path, const char* key, YAML::Node& out);
};

std::string format_number(double v);

}  // namespace userscale::config
