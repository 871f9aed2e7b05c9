#include "config/metric_spec_yaml.h"

#include <algorithm>
#include <array>

#include "config/k8s_names.h"
#include "config/k8s_objects_yaml.h"

namespace userscale {
namespace {

constexpr std::array kSourceTypes = {MetricSourceType::Resource,
                                     MetricSourceType::ContainerResource, MetricSourceType::Pods,
                                     MetricSourceType::Object, MetricSourceType::External};
const std::vector<std::string_view> kSourceTypeNames = {"Resource", "ContainerResource", "Pods",
                                                        "Object", "External"};
// The field that holds each source type's details, in the same order.
const std::vector<std::string_view> kSourceFields = {"resource", "containerResource", "pods",
                                                     "object", "external"};

constexpr std::array kTargetTypes = {MetricTargetType::Utilization, MetricTargetType::Value,
                                     MetricTargetType::AverageValue};
const std::vector<std::string_view> kTargetTypeNames = {"Utilization", "Value", "AverageValue"};
// The field each target type reads, in the same order.
const std::vector<std::string_view> kTargetFields = {"averageUtilization", "value", "averageValue"};

// The target types whose field the HPA controller reads for a source type.
std::vector<MetricTargetType> allowed_targets(MetricSourceType source) {
  switch (source) {
    case MetricSourceType::Resource:
    case MetricSourceType::ContainerResource:
      return {MetricTargetType::Utilization, MetricTargetType::AverageValue};
    case MetricSourceType::Pods:
      return {MetricTargetType::AverageValue};
    case MetricSourceType::Object:
    case MetricSourceType::External:
      return {MetricTargetType::Value, MetricTargetType::AverageValue};
    case MetricSourceType::Unknown:
      break;
  }
  return {};
}

std::size_t target_index(MetricTargetType type) {
  return static_cast<std::size_t>(std::find(kTargetTypes.begin(), kTargetTypes.end(), type) -
                                  kTargetTypes.begin());
}

std::string or_list(const std::vector<MetricTargetType>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    out += kTargetTypeNames[target_index(types[i])];
  }
  return out;
}

std::optional<std::int64_t> positive_quantity(const MapReader& r, std::string_view field) {
  auto q = r.quantity(field);
  if (!q) return std::nullopt;
  if (!(q->parsed.approx > 0.0)) {
    r.add_error(field, "must be > 0, got " + q->text);
    return std::nullopt;
  }
  return q->parsed.milli;
}

MetricTarget read_target(const YAML::Node& node, const std::string& path, MetricSourceType source,
                         ErrorList& errors) {
  MapReader r(node, path, {"type", "averageUtilization", "value", "averageValue"}, errors);
  MetricTarget target;
  auto type_index = r.enumeration("type", kTargetTypeNames, Need::kRequired);
  if (auto u = r.int32("averageUtilization")) {
    if (*u <= 0) {
      r.add_error("averageUtilization", "must be > 0, got " + std::to_string(*u));
    } else {
      target.average_utilization = *u;
    }
  }
  target.value_milli = positive_quantity(r, "value");
  target.average_value_milli = positive_quantity(r, "averageValue");
  if (!type_index) return target;

  MetricTargetType type = kTargetTypes[*type_index];
  std::vector<MetricTargetType> allowed = allowed_targets(source);
  std::string_view source_name = metric_source_type_name(source);
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
    if (type == MetricTargetType::Utilization) {
      r.add_error("type", "Utilization is only allowed for Resource and ContainerResource metrics");
    } else {
      r.add_error("type", "must be " + or_list(allowed) + " for " + std::string(source_name) +
                              " metrics, got \"" + std::string(kTargetTypeNames[*type_index]) +
                              "\"");
    }
    return target;
  }
  target.type = type;
  // Exactly the field that the type names: the controller ignores the others, so a second one
  // is a mistake that would silently do nothing.
  std::string type_name(kTargetTypeNames[*type_index]);
  for (std::size_t i = 0; i < kTargetFields.size(); ++i) {
    bool named = i == *type_index;
    if (named && !r.has(kTargetFields[i])) {
      r.add_error(kTargetFields[i], "required when type is " + type_name);
    } else if (!named && r.has(kTargetFields[i])) {
      r.add_error(kTargetFields[i], "not allowed when type is " + type_name);
    }
  }
  if (type != MetricTargetType::Utilization) target.average_utilization.reset();
  if (type != MetricTargetType::Value) target.value_milli.reset();
  if (type != MetricTargetType::AverageValue) target.average_value_milli.reset();
  return target;
}

// MetricIdentifier: `metric: {name, selector}` of Pods, Object and External sources.
void read_metric_identifier(const YAML::Node& node, const std::string& path, MetricSpec& out,
                            ErrorList& errors) {
  MapReader r(node, path, {"name", "selector"}, errors);
  if (auto name = r.string("name", Need::kRequired)) {
    if (auto reason = check_path_segment_name(*name)) r.add_error("name", *reason);
    out.name = *name;
  }
  if (auto selector = r.node("selector")) {
    out.selector = read_label_selector(*selector, r.path_of("selector"), errors);
  }
}

void read_source(const YAML::Node& node, const std::string& path, MetricSpec& out,
                 ErrorList& errors) {
  auto read_target_field = [&](const MapReader& r) {
    if (auto t = r.map("target", Need::kRequired)) {
      out.target = read_target(*t, r.path_of("target"), out.type, errors);
    }
  };
  auto read_identifier_field = [&](const MapReader& r) {
    if (auto m = r.map("metric", Need::kRequired)) {
      read_metric_identifier(*m, r.path_of("metric"), out, errors);
    }
  };
  switch (out.type) {
    case MetricSourceType::Resource: {
      MapReader r(node, path, {"name", "target"}, errors);
      if (auto name = r.string("name", Need::kRequired)) out.name = *name;
      read_target_field(r);
      break;
    }
    case MetricSourceType::ContainerResource: {
      MapReader r(node, path, {"name", "container", "target"}, errors);
      if (auto name = r.string("name", Need::kRequired)) out.name = *name;
      if (auto container = r.string("container", Need::kRequired)) {
        if (auto reason = check_dns1123_label(*container)) r.add_error("container", *reason);
        out.container = *container;
      }
      read_target_field(r);
      break;
    }
    case MetricSourceType::Pods: {
      MapReader r(node, path, {"metric", "target"}, errors);
      read_identifier_field(r);
      read_target_field(r);
      break;
    }
    case MetricSourceType::Object: {
      MapReader r(node, path, {"describedObject", "metric", "target"}, errors);
      if (auto d = r.map("describedObject", Need::kRequired)) {
        out.described_object = read_object_reference(*d, r.path_of("describedObject"), errors);
      }
      read_identifier_field(r);
      read_target_field(r);
      break;
    }
    case MetricSourceType::External: {
      MapReader r(node, path, {"metric", "target"}, errors);
      read_identifier_field(r);
      read_target_field(r);
      break;
    }
    case MetricSourceType::Unknown:
      break;
  }
}

}  // namespace

std::string_view metric_source_type_name(MetricSourceType type) {
  auto it = std::find(kSourceTypes.begin(), kSourceTypes.end(), type);
  if (it == kSourceTypes.end()) return "Unknown";
  return kSourceTypeNames[static_cast<std::size_t>(it - kSourceTypes.begin())];
}

MetricSpec read_metric_spec(const YAML::Node& node, const std::string& path, ErrorList& errors) {
  MapReader r(node, path, {"type", "resource", "containerResource", "pods", "object", "external"},
              errors);
  MetricSpec metric;
  if (auto type_node = r.node("type"); type_node && yaml_kind(*type_node) == YamlKind::String) {
    metric.type_name = type_node->Scalar();
  }
  auto type = r.enumeration("type", kSourceTypeNames, Need::kRequired);
  if (!type) return metric;  // which details belong cannot be told; the type error says enough
  metric.type = kSourceTypes[*type];
  std::string type_name(kSourceTypeNames[*type]);
  std::string_view expected = kSourceFields[*type];
  if (!r.has(expected)) {
    r.add_error(expected, "required when type is " + type_name);
  } else if (auto details = r.map(expected)) {
    read_source(*details, r.path_of(expected), metric, errors);
  }
  for (std::string_view field : kSourceFields) {
    if (field != expected && r.has(field)) {
      r.add_error(field, "not allowed when type is " + type_name);
    }
  }
  return metric;
}

std::vector<MetricSpec> read_metric_specs(const YAML::Node& list, const std::string& path,
                                          ErrorList& errors) {
  std::vector<MetricSpec> metrics;
  if (!expect_kind(list, YamlKind::List, path, errors)) return metrics;
  for (std::size_t i = 0; i < list.size(); ++i) {
    metrics.push_back(read_metric_spec(list[i], item_path(path, i), errors));
  }
  return metrics;
}

}  // namespace userscale
