#include "controller/kube_metrics_paths.h"

#include <cctype>
#include <map>

#include "metrics/promql_client.h"

namespace userscale::controller {
namespace {

using metrics::url_encode;

std::string query(std::initializer_list<std::pair<const char*, std::string>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    out += (out.empty() ? "?" : "&") + std::string(k) + "=" + url_encode(v);
  }
  return out;
}

std::string plural_of(const std::string& kind) {
  static const std::map<std::string, std::string> kKnown = {{"Pod", "pods"},
                                                            {"Service", "services"},
                                                            {"Namespace", "namespaces"},
                                                            {"Node", "nodes"},
                                                            {"Deployment", "deployments"},
                                                            {"StatefulSet", "statefulsets"},
                                                            {"ReplicaSet", "replicasets"},
                                                            {"DaemonSet", "daemonsets"},
                                                            {"Job", "jobs"},
                                                            {"CronJob", "cronjobs"},
                                                            {"Ingress", "ingresses"},
                                                            {"Endpoints", "endpoints"}};
  if (auto it = kKnown.find(kind); it != kKnown.end()) return it->second;
  std::string lower;
  for (char c : kind) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.empty()) return lower;
  auto ends = [&](const char* s) {
    const std::string suffix(s);
    return lower.size() >= suffix.size() &&
           lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("s") || ends("x") || ends("ch") || ends("sh")) return lower + "es";
  if (ends("y") && lower.size() > 1 &&
      std::string("aeiou").find(lower[lower.size() - 2]) == std::string::npos) {
    return lower.substr(0, lower.size() - 1) + "ies";
  }
  return lower + "s";
}

}  // namespace

std::string custom_metrics_resource(const ObjectReference& object) {
  const std::size_t slash = object.api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : object.api_version.substr(0, slash);
  const std::string plural = plural_of(object.kind);
  return group.empty() ? plural : plural + "." + group;
}

std::string pod_metrics_path(const std::string& ns, const std::string& selector) {
  return std::string(kResourceMetricsApi) + "/namespaces/" + url_encode(ns) + "/pods" +
         query({{"labelSelector", selector}});
}

std::string custom_pods_metric_path(const std::string& ns, const std::string& metric,
                                    const std::string& selector,
                                    const std::string& metric_selector) {
  return std::string(kCustomMetricsApi) + "/namespaces/" + url_encode(ns) + "/pods/*/" +
         url_encode(metric) +
         query({{"labelSelector", selector}, {"metricLabelSelector", metric_selector}});
}

std::string custom_object_metric_path(const std::string& ns, const ObjectReference& object,
                                      const std::string& metric,
                                      const std::string& metric_selector) {
  return std::string(kCustomMetricsApi) + "/namespaces/" + url_encode(ns) + "/" +
         url_encode(custom_metrics_resource(object)) + "/" + url_encode(object.name) + "/" +
         url_encode(metric) + query({{"metricLabelSelector", metric_selector}});
}

std::string external_metric_path(const std::string& ns, const std::string& metric,
                                 const std::string& selector) {
  return std::string(kExternalMetricsApi) + "/namespaces/" + url_encode(ns) + "/" +
         url_encode(metric) + query({{"labelSelector", selector}});
}

}  // namespace userscale::controller
