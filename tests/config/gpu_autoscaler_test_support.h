// Helpers for the GPUAutoscaler tests: documents built around a spec, and errors as the
// `path: reason` lines that `userscale validate` prints.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/gpu_autoscaler.h"

namespace userscale::testing {

// A GPUAutoscaler document whose spec is `spec_body` (written at column 0).
inline std::string gpu_autoscaler_with_spec(std::string_view spec_body) {
  std::string doc =
      "apiVersion: userscale.dev/v1alpha1\n"
      "kind: GPUAutoscaler\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n";
  std::istringstream lines{std::string(spec_body)};
  for (std::string line; std::getline(lines, line);) doc += "  " + line + "\n";
  return doc;
}

// The lines of a valid spec that every error case shares unless it is about them.
inline constexpr std::string_view kTargetAndMax =
    "scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "maxReplicas: 4\n";

inline std::vector<std::string> error_lines(const Validated<GpuAutoscaler>& parsed) {
  std::vector<std::string> lines;
  if (parsed.ok()) return lines;
  for (const Error& e : parsed.errors()) lines.push_back(e.to_string());
  return lines;
}

inline std::vector<std::string> errors_of(std::string_view yaml) {
  return error_lines(parse_gpu_autoscaler_yaml(yaml));
}

inline std::vector<std::string> spec_errors(std::string_view spec_body) {
  return errors_of(gpu_autoscaler_with_spec(spec_body));
}

}  // namespace userscale::testing
