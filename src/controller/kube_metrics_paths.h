// The request paths of the Kubernetes metrics APIs, as the HPA's metrics clients build them
// (k8s.io/metrics pkg/client): metrics.k8s.io/v1beta1 pods of a namespace by label selector;
// custom.metrics.k8s.io/v1beta2 `pods/*/METRIC` by label selector and one described object's
// `RESOURCE.GROUP/NAME/METRIC`, both with an optional metricLabelSelector;
// external.metrics.k8s.io/v1beta1 `METRIC` in a namespace by label selector. Pure.
#pragma once

#include <string>

#include "core/autoscaler_spec.h"

namespace userscale::controller {

inline constexpr const char* kResourceMetricsApi = "/apis/metrics.k8s.io/v1beta1";
inline constexpr const char* kCustomMetricsApi = "/apis/custom.metrics.k8s.io/v1beta2";
inline constexpr const char* kExternalMetricsApi = "/apis/external.metrics.k8s.io/v1beta1";

// Empty selectors are left out of the query.
std::string pod_metrics_path(const std::string& ns, const std::string& selector);
std::string custom_pods_metric_path(const std::string& ns, const std::string& metric,
                                    const std::string& selector,
                                    const std::string& metric_selector);
std::string custom_object_metric_path(const std::string& ns, const ObjectReference& object,
                                      const std::string& metric,
                                      const std::string& metric_selector);
std::string external_metric_path(const std::string& ns, const std::string& metric,
                                 const std::string& selector);

// The qualified resource the custom metrics API names an object by, as a REST mapper gives it:
// "deployments.apps" for apps/v1 Deployment, "services" for v1 Service. Kinds it does not
// know are pluralized by the API's rules (lower case; -s, -es after s/x/ch/sh, -ies after a
// consonant and y).
std::string custom_metrics_resource(const ObjectReference& object);

}  // namespace userscale::controller
