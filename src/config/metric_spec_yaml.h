// Reads autoscaling/v2 `spec.metrics` (all five source types, every target type) and checks
// it as the Kubernetes API does, plus one rule the API leaves to the controller: a target's
// type must suit its source (Utilization only for Resource and ContainerResource, AverageValue
// only for Pods, ...) and set exactly the field its type names.
#pragma once

#include <string>
#include <vector>

#include "config/yaml_field_reader.h"
#include "core/autoscaler_spec.h"

namespace userscale {

std::vector<MetricSpec> read_metric_specs(const YAML::Node& list, const std::string& path,
                                          ErrorList& errors);

MetricSpec read_metric_spec(const YAML::Node& node, const std::string& path, ErrorList& errors);

// The name used in messages and in the YAML `type` field: "Resource", "Pods", ...
std::string_view metric_source_type_name(MetricSourceType type);

}  // namespace userscale
