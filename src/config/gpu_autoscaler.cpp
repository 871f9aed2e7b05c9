#include "config/gpu_autoscaler.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/behavior_yaml.h"
#include "config/k8s_objects_yaml.h"
#include "config/metric_spec_yaml.h"
#include "config/yaml_field_reader.h"
#include "config/yaml_stream.h"
#include "core/policies/registry.h"

namespace userscale {
namespace {

// Policies that run the HPA algorithm, and so share its rules (scale to zero needs an Object or
// External metric; no metrics means the API default, CPU at 80 %).
bool is_hpa_family(std::string_view policy) {
  return policy == "hpa" || policy == "hpa-gpu";
}

// False when the policy's name is missing or unknown (the rules that depend on the policy are
// then skipped: which policy was meant cannot be told).
bool read_policy_ref(const YAML::Node& node, const std::string& path, PolicyRef& policy,
                     ErrorList& errors) {
  MapReader r(node, path, {"name", "params"}, errors);
  const std::vector<std::string>& names = policy_names();
  auto name = r.enumeration("name", {names.begin(), names.end()}, Need::kRequired);
  if (name) policy.name = names[*name];
  if (auto params = r.node("params")) {
    policy.params = read_scalar_map(*params, r.path_of("params"), errors);
  }
  return name.has_value();
}

bool has_object_or_external_metric(const std::vector<MetricSpec>& metrics) {
  return std::any_of(metrics.begin(), metrics.end(), [](const MetricSpec& m) {
    return m.type == MetricSourceType::Object || m.type == MetricSourceType::External;
  });
}

// What the API server stores for an autoscaling/v2 HPA without metrics.
MetricSpec default_cpu_metric() {
  MetricSpec cpu;
  cpu.type = MetricSourceType::Resource;
  cpu.type_name = "Resource";
  cpu.name = "cpu";
  cpu.target.type = MetricTargetType::Utilization;
  cpu.target.average_utilization = 80;
  return cpu;
}

AutoscalerSpec read_spec(const YAML::Node& node, const std::string& path, bool is_hpa,
                         ErrorList& errors) {
  std::vector<std::string_view> fields = {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
                                          "behavior"};
  if (!is_hpa) {
    fields.push_back("policy");
    fields.push_back("syncPeriodSeconds");
  }
  MapReader r(node, path, fields, errors);
  AutoscalerSpec spec;
  if (auto ref = r.map("scaleTargetRef", Need::kRequired)) {
    spec.scale_target_ref = read_object_reference(*ref, r.path_of("scaleTargetRef"), errors);
  }
  if (auto min_replicas = r.int32("minReplicas")) {
    if (*min_replicas < 0) {
      r.add_error("minReplicas", "must be >= 0, got " + std::to_string(*min_replicas));
    } else {
      spec.min_replicas = *min_replicas;
    }
  }
  bool max_valid = false;
  if (auto max_replicas = r.int32("maxReplicas", Need::kRequired)) {
    if (*max_replicas < 1) {
      r.add_error("maxReplicas", "must be >= 1, got " + std::to_string(*max_replicas));
    } else {
      spec.max_replicas = *max_replicas;
      max_valid = true;
    }
  }
  if (auto metrics = r.node("metrics")) {
    spec.metrics = read_metric_specs(*metrics, r.path_of("metrics"), errors);
  }
  if (auto behavior = r.node("behavior")) {
    spec.behavior = read_behavior(*behavior, r.path_of("behavior"), errors);
  }
  bool policy_known = true;
  if (!is_hpa) {
    if (auto policy = r.node("policy")) {
      policy_known = read_policy_ref(*policy, r.path_of("policy"), spec.policy, errors);
    }
    if (auto sync = r.number("syncPeriodSeconds")) {
      if (*sync <= 0.0) {
        r.add_error("syncPeriodSeconds",
                    "must be > 0, got " + r.node("syncPeriodSeconds")->Scalar());
      } else {
        spec.sync_period_seconds = *sync;
      }
    }
  }

  const std::int32_t min_value = spec.min_replicas.value_or(1);
  if (spec.min_replicas && max_valid && min_value > spec.max_replicas) {
    r.add_error("minReplicas", "must be <= maxReplicas (" + std::to_string(spec.max_replicas) +
                                   "), got " + std::to_string(min_value));
  }
  // The HPA cannot tell how many replicas a per-pod metric asks for when there are no pods:
  // only Object and External metrics can wake it from zero (the API's own rule).
  if (spec.min_replicas == 0 && policy_known && is_hpa_family(spec.policy.name) &&
      !has_object_or_external_metric(spec.metrics)) {
    r.add_error("minReplicas",
                "may be 0 only when spec.metrics has an Object or External metric, got 0");
  }
  if (spec.metrics.empty() && spec.policy.name == "hpa") {
    spec.metrics.push_back(default_cpu_metric());
  }
  return spec;
}

std::string location(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return " at line " + std::to_string(mark.line + 1) + ", column " +
         std::to_string(mark.column + 1);
}

}  // namespace

Validated<GpuAutoscaler> parse_gpu_autoscaler(const YAML::Node& document,
                                              std::string_view path_prefix) {
  static const std::vector<std::string_view> kKinds = {kGpuAutoscalerKind, kHpaKind};
  ErrorList errors;
  GpuAutoscaler out;
  MapReader r(document, std::string(path_prefix),
              {"apiVersion", "kind", "metadata", "spec",
               // Written by a controller; ignored, so that `kubectl get -o yaml` reads as is.
               "status"},
              errors);
  auto api_version = r.string("apiVersion", Need::kRequired);
  if (api_version) out.api_version = *api_version;
  auto kind = r.enumeration("kind", kKinds, Need::kRequired);
  bool is_hpa = kind && kKinds[*kind] == kHpaKind;
  if (kind) {
    out.kind = std::string(kKinds[*kind]);
    // autoscaling/v2beta2 has the v2 shape (less `tolerance`); manifests still carry it.
    bool version_ok = is_hpa
                          ? (api_version == kHpaApiVersion || api_version == "autoscaling/v2beta2")
                          : api_version == kGpuAutoscalerApiVersion;
    if (api_version && !version_ok) {
      std::string expected = is_hpa ? "\"autoscaling/v2\" or \"autoscaling/v2beta2\""
                                    : "\"" + std::string(kGpuAutoscalerApiVersion) + "\"";
      r.add_error("apiVersion", "must be " + expected + " for kind " + out.kind + ", got \"" +
                                    *api_version + "\"");
    }
  }
  if (auto metadata = r.node("metadata", Need::kRequired)) {
    out.metadata = read_object_meta(*metadata, r.path_of("metadata"), errors);
  }
  if (auto spec = r.node("spec", Need::kRequired)) {
    out.spec = read_spec(*spec, r.path_of("spec"), is_hpa, errors);
  }
  if (!errors.empty()) return errors;
  return out;
}

Validated<GpuAutoscaler> parse_gpu_autoscaler_yaml(std::string_view text) {
  if (!config::yaml_documents_end(text)) {
    return ErrorList{{"", "YAML syntax error: the parser found no end of the stream"}};
  }
  std::vector<YAML::Node> documents;
  try {
    for (YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      if (!doc.IsNull()) documents.push_back(doc);
    }
  } catch (const YAML::Exception& e) {
    return ErrorList{{"", "YAML syntax error" + location(e.mark) + ": " + e.msg}};
  }
  if (documents.empty()) return ErrorList{{"", "empty document, expected a GPUAutoscaler"}};
  if (documents.size() > 1) {
    return ErrorList{{"", "expected one YAML document, found " + std::to_string(documents.size())}};
  }
  return parse_gpu_autoscaler(documents.front());
}

Validated<GpuAutoscaler> load_gpu_autoscaler_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return ErrorList{{"", "cannot read: is a directory"}};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return ErrorList{{"", std::string("cannot read: ") + std::strerror(errno)}};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return ErrorList{{"", std::string("cannot read: ") + std::strerror(errno)}};
  return parse_gpu_autoscaler_yaml(text.str());
}

}  // namespace userscale
