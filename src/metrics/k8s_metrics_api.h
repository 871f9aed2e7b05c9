// Parsers for the answers of the Kubernetes metrics APIs the HPA reads: metrics.k8s.io/v1beta1
// PodMetricsList (metrics-server), custom.metrics.k8s.io/v1beta2 MetricValueList and
// external.metrics.k8s.io/v1beta1 ExternalMetricValueList (prometheus-adapter, KEDA, any
// custom-metrics-apiserver). Pure: JSON text in, the Observation's types out. Quantities are
// read as the HPA reads them (milli-units, core/quantity.h). A malformed answer is an error
// naming the field ("items[2].containers[0].usage.cpu: not a quantity (\"12x\")"), never a
// partial list: a value the API did not clearly give must stay missing.
#pragma once

#include <string_view>
#include <vector>

#include "core/observation.h"
#include "core/result.h"

namespace userscale::metrics {

// metrics.k8s.io/v1beta1 PodMetricsList: per pod, the usage of each container.
Result<std::vector<PodResourceMetrics>> parse_pod_metrics_list(std::string_view body);

// custom.metrics.k8s.io MetricValueList: v1beta2 (`metric.name`), v1beta1 (`metricName`) too.
Result<std::vector<CustomMetricValue>> parse_metric_value_list(std::string_view body);

// external.metrics.k8s.io/v1beta1 ExternalMetricValueList.
Result<std::vector<ExternalMetricValue>> parse_external_metric_value_list(std::string_view body);

}  // namespace userscale::metrics
