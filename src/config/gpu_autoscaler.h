// The GPUAutoscaler resource: `apiVersion: userscale.dev/v1alpha1`, `kind: GPUAutoscaler`,
// metadata, and a spec that is an autoscaling/v2 HPA spec (an HPA's spec pastes in unchanged)
// plus `policy: {name, params}` and `syncPeriodSeconds`. A plain autoscaling/v2 (or v2beta2)
// HorizontalPodAutoscaler is read too, as a GPUAutoscaler with policy `hpa`. As the API server
// does for an HPA, policy `hpa` without metrics gets CPU at 80 % average utilization.
//
// The policy's parameters are kept as text: each policy checks its own (core/policies).
//
// Parsing validates as the Kubernetes API validates an HPA, and more strictly where a mistake
// would otherwise go unnoticed (unknown fields, wrong scalar types, target fields that the
// target type ignores). It reports every error of a document, each with its field path.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "config/object_meta.h"
#include "config/validated.h"
#include "core/autoscaler_spec.h"

namespace YAML {
class Node;
}

namespace userscale {

inline constexpr std::string_view kGpuAutoscalerApiVersion = "userscale.dev/v1alpha1";
inline constexpr std::string_view kGpuAutoscalerKind = "GPUAutoscaler";
inline constexpr std::string_view kHpaApiVersion = "autoscaling/v2";
inline constexpr std::string_view kHpaKind = "HorizontalPodAutoscaler";

struct GpuAutoscaler {
  std::string api_version;
  std::string kind;  // kGpuAutoscalerKind or kHpaKind, as written
  ObjectMeta metadata;
  AutoscalerSpec spec;
};

// One parsed YAML document. `path_prefix` is put before every error path, for a resource
// embedded in a larger document (e.g. "input.autoscaler").
Validated<GpuAutoscaler> parse_gpu_autoscaler(const YAML::Node& document,
                                              std::string_view path_prefix = "");

// YAML text holding exactly one document. A syntax error is one error naming its line and
// column.
Validated<GpuAutoscaler> parse_gpu_autoscaler_yaml(std::string_view text);

// A file; an unreadable file is one error.
Validated<GpuAutoscaler> load_gpu_autoscaler_file(const std::filesystem::path& file);

}  // namespace userscale
