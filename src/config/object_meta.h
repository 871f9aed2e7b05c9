// The part of Kubernetes ObjectMeta that a userscale resource carries, and its reader.
#pragma once

#include <map>
#include <string>

#include "config/yaml_field_reader.h"
#include "core/labels.h"

namespace userscale {

struct ObjectMeta {
  std::string name;
  std::string namespace_name;  // metadata.namespace; empty when not given
  Labels labels;
  std::map<std::string, std::string> annotations;
};

// name (required, a DNS subdomain), namespace (a DNS label), labels and annotations. The fields
// the API server sets (uid, resourceVersion, creationTimestamp, managedFields, ...) are
// accepted and ignored, so that `kubectl get -o yaml` output reads unchanged.
ObjectMeta read_object_meta(const YAML::Node& node, const std::string& path, ErrorList& errors);

}  // namespace userscale
