#include "core/policies/hpa.h"

#include "core/policies/hpa_replica_calculator.h"

namespace userscale {
namespace {

const char* failure_reason(MetricSourceType type) {
  switch (type) {
    case MetricSourceType::Resource:
      return "FailedGetResourceMetric";
    case MetricSourceType::ContainerResource:
      return "FailedGetContainerResourceMetric";
    case MetricSourceType::Pods:
      return "FailedGetPodsMetric";
    case MetricSourceType::Object:
      return "FailedGetObjectMetric";
    case MetricSourceType::External:
      return "FailedGetExternalMetric";
    case MetricSourceType::Unknown:
      break;
  }
  return "InvalidMetricSourceType";
}

Condition scaling_active(bool status, std::string reason, std::string message) {
  return Condition{"ScalingActive", status ? "True" : "False", std::move(reason),
                   std::move(message)};
}

}  // namespace

MetricProposal HpaPolicy::evaluate(const MetricSpec& metric, const Observation& obs) const {
  MetricProposal p;
  p.name = metric.name;
  const std::int32_t current = obs.scale.spec_replicas;
  const hpa::Tolerances tol = hpa::tolerances_for(spec_, settings_);
  Result<hpa::MetricReplicas> r = Error{"", ""};
  switch (metric.type) {
    case MetricSourceType::Resource:
    case MetricSourceType::ContainerResource: {
      const std::string container =
          metric.type == MetricSourceType::ContainerResource ? metric.container : "";
      if (metric.target.average_value_milli) {
        p.target = static_cast<double>(*metric.target.average_value_milli) / 1000.0;
        r = hpa::resource_average_value_replicas(obs, current, *metric.target.average_value_milli,
                                                 metric.name, container, settings_, tol);
      } else if (metric.target.average_utilization) {
        p.target = *metric.target.average_utilization;
        r = hpa::resource_utilization_replicas(obs, current, *metric.target.average_utilization,
                                               metric.name, container, settings_, tol);
      } else {
        r = Error{"",
                  "invalid resource metric source: neither an average utilization target nor an "
                  "average value (usage) target was set"};
      }
      break;
    }
    case MetricSourceType::Pods:
      if (metric.target.average_value_milli) {
        p.target = static_cast<double>(*metric.target.average_value_milli) / 1000.0;
        r = hpa::pods_metric_replicas(obs, current, metric, settings_, tol);
      } else {
        r = Error{"", "invalid pods metric source: no average value target was set"};
      }
      break;
    case MetricSourceType::Object:
      r = hpa::object_metric_replicas(obs, current, metric, tol);
      break;
    case MetricSourceType::External:
      r = hpa::external_metric_replicas(obs, current, metric, tol);
      break;
    case MetricSourceType::Unknown:
      r = Error{"", "unknown metric source type \"" + metric.type_name + "\""};
      break;
  }
  if (!r) {
    p.error = r.error().message;
    p.error_reason = failure_reason(metric.type);
    return p;
  }
  p.usage_ratio = r->usage_ratio;
  p.proposed_replicas = r->replicas;
  p.current = r->current;
  if (r->current.average_utilization) {
    p.value = *r->current.average_utilization;
  } else if (r->current.average_value_milli) {
    p.value = static_cast<double>(*r->current.average_value_milli) / 1000.0;
  } else if (r->current.value_milli) {
    p.value = static_cast<double>(*r->current.value_milli) / 1000.0;
  }
  return p;
}

Recommendation HpaPolicy::recommend(const Observation& obs) {
  Recommendation rec;
  // validateAndParseSelector: the scale must carry a usable selector.
  if (obs.scale.selector.empty() || !parse_selector_string(obs.scale.selector)) {
    rec.valid = false;
    std::string why = obs.scale.selector.empty()
                          ? "selector is required"
                          : "couldn't convert selector into a corresponding internal selector";
    rec.scaling_active = scaling_active(false, "InvalidSelector",
                                        "the HPA target's scale is "
                                        "missing a selector: " +
                                            why);
    rec.reason = "invalid selector on the target's scale: " + why;
    return rec;
  }
  const std::int32_t spec_replicas = obs.scale.spec_replicas;
  std::int32_t replicas = 0;
  std::string metric_name;
  int invalid = 0;
  const MetricProposal* first_failure = nullptr;
  for (const auto& m : spec_.metrics) {
    rec.metrics.push_back(evaluate(m, obs));
  }
  for (const auto& p : rec.metrics) {
    if (p.error) {
      if (invalid == 0) first_failure = &p;
      ++invalid;
      continue;
    }
    if (replicas == 0 || *p.proposed_replicas > replicas) {
      replicas = *p.proposed_replicas;
      metric_name = p.name;
    }
  }
  const int total = static_cast<int>(spec_.metrics.size());
  if (invalid >= total || (invalid > 0 && replicas < spec_replicas)) {
    rec.valid = false;
    std::string reason = first_failure ? first_failure->error_reason : "InvalidMetricSourceType";
    std::string message = first_failure ? *first_failure->error : "no metrics configured";
    rec.scaling_active = scaling_active(false, reason, message);
    rec.reason = "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                 std::to_string(total) + "), first error is: " + message;
    return rec;
  }
  rec.desired_replicas = replicas;
  rec.scaling_active = scaling_active(
      true, "ValidMetricFound",
      "the HPA was able to successfully calculate a replica count from " + metric_name);
  if (replicas > spec_replicas) {
    rec.reason = metric_name + " above target";
  } else if (replicas < spec_replicas) {
    rec.reason = "All metrics below target";
  } else {
    rec.reason = "metrics within tolerance of target";
  }
  return rec;
}

}  // namespace userscale
