#include "keda/keda_target.h"

#include <cctype>

namespace userscale::keda {

Result<std::string> target_of(const std::string& scaled_object_namespace,
                              const std::map<std::string, std::string>& scaler_metadata) {
  const auto it = scaler_metadata.find("target");
  if (it == scaler_metadata.end() || it->second.empty()) {
    return Error{"scalerMetadata.target",
                 "required: the userscale target to follow, NAMESPACE/NAME or NAME"};
  }
  const std::string& t = it->second;
  const auto slash = t.find('/');
  if (slash == std::string::npos) {
    if (scaled_object_namespace.empty()) {
      return Error{"scalerMetadata.target",
                   "\"" + t + "\" has no namespace and the ScaledObject names none"};
    }
    return scaled_object_namespace + "/" + t;
  }
  if (slash == 0 || slash + 1 == t.size() || t.find('/', slash + 1) != std::string::npos) {
    return Error{"scalerMetadata.target", "must be NAMESPACE/NAME or NAME, got \"" + t + "\""};
  }
  return t;
}

bool is_desired_replicas_metric(const std::string& metric_name) {
  const std::string m = kDesiredReplicasMetric;
  if (metric_name == m) return true;
  // sN-desired-replicas
  if (metric_name.size() <= m.size() + 2 || metric_name[0] != 's') return false;
  const std::size_t dash = metric_name.size() - m.size() - 1;
  if (metric_name[dash] != '-' || metric_name.compare(dash + 1, std::string::npos, m) != 0) {
    return false;
  }
  for (std::size_t i = 1; i < dash; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(metric_name[i]))) return false;
  }
  return true;
}

}  // namespace userscale::keda
