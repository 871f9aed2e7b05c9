// Readers for the small Kubernetes shapes that several resources share: string maps (labels,
// annotations), label selectors and cross-version object references. Errors go to the shared
// list with full field paths (see yaml_reader.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/yaml_field_reader.h"
#include "core/autoscaler_spec.h"
#include "core/labels.h"

namespace userscale {

// Checks one key or value; returns the reason it is invalid, or nullopt.
using StringCheck = std::function<std::optional<std::string>(std::string_view)>;

// A map of string to string. `check_key` and `check_value` may be empty (no check). A key given
// twice is an error at `path[key]`.
std::map<std::string, std::string> read_string_map(const YAML::Node& node, const std::string& path,
                                                   ErrorList& errors, const StringCheck& check_key,
                                                   const StringCheck& check_value);

// A map of string keys to any scalar (string, number, boolean), each value kept as written.
// Entries are named `path.key` (policy parameters are identifiers, and the policies' own
// checks name them so).
std::map<std::string, std::string> read_scalar_map(const YAML::Node& node, const std::string& path,
                                                   ErrorList& errors);

// metadata.labels or matchLabels: qualified-name keys, label values.
Labels read_labels(const YAML::Node& node, const std::string& path, ErrorList& errors);

// metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
LabelSelector read_label_selector(const YAML::Node& node, const std::string& path,
                                  ErrorList& errors);

// CrossVersionObjectReference (scaleTargetRef, describedObject): kind and name required,
// apiVersion optional.
ObjectReference read_object_reference(const YAML::Node& node, const std::string& path,
                                      ErrorList& errors);

}  // namespace userscale
