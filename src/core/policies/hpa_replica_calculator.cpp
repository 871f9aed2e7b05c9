#include "core/policies/hpa_replica_calculator.h"

#include <cmath>
#include <limits>

#include "core/quantity.h"

namespace userscale::hpa {
namespace {

constexpr double kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr Duration kCustomMetricDefaultWindow = 60.0;  // metricServerDefaultMetricWindow

std::int32_t ceil_to_int32(double x) {
  if (std::isnan(x)) return 0;
  double c = std::ceil(x);
  if (c > kMaxInt32) return std::numeric_limits<std::int32_t>::max();
  if (c < -kMaxInt32) return -std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(c);
}

Error err(std::string message) {
  return Error{"", std::move(message)};
}

// metrics.k8s.io samples for one resource: the pod's containers summed, or one container.
Result<PodSamples> resource_samples(const Observation& obs, const std::string& resource,
                                    const std::string& container) {
  if (!obs.pod_metrics || obs.pod_metrics->empty()) {
    return err("unable to get metrics for resource " + resource +
               ": no metrics returned from resource metrics API");
  }
  PodSamples out;
  for (const auto& m : *obs.pod_metrics) {
    if (container.empty()) {
      bool missing = m.containers.empty();
      std::int64_t sum = 0;
      for (const auto& c : m.containers) {
        auto it = c.usage_milli.find(resource);
        if (it == c.usage_milli.end()) {
          missing = true;
          break;
        }
        sum = saturating_add(sum, it->second);
      }
      if (!missing) out[m.pod] = {sum, m.timestamp, m.window};
    } else {
      for (const auto& c : m.containers) {
        if (c.name != container) continue;
        auto it = c.usage_milli.find(resource);
        if (it != c.usage_milli.end()) out[m.pod] = {it->second, m.timestamp, m.window};
        break;
      }
    }
  }
  return out;
}

// calculateRequests: per pod, the pod-level request, the named container's, or the sum over
// containers and restartable init containers.
Result<std::map<std::string, std::int64_t>> pod_requests(const Observation& obs,
                                                         const std::string& resource,
                                                         const std::string& container) {
  std::map<std::string, std::int64_t> out;
  for (const auto& pod : obs.pods) {
    if (container.empty() && !pod.pod_requests_milli.empty()) {
      auto it = pod.pod_requests_milli.find(resource);
      if (it != pod.pod_requests_milli.end()) {
        out[pod.name] = it->second;
        continue;
      }
      // Pod-level requests set, but not for this resource: the containers' aggregate.
      std::int64_t sum = 0;
      bool any = false;
      for (const auto& c : pod.containers) {
        auto r = c.requests_milli.find(resource);
        if (r != c.requests_milli.end()) {
          sum = saturating_add(sum, r->second);
          any = true;
        }
      }
      if (!any) return err("missing pod-level request for " + resource + " in Pod " + pod.name);
      out[pod.name] = sum;
      continue;
    }
    std::int64_t sum = 0;
    bool found = false;
    for (const auto& c : pod.containers) {
      if (container.empty() || container == c.name) {
        auto r = c.requests_milli.find(resource);
        if (r == c.requests_milli.end()) {
          return err("missing request for " + resource + " in container " + c.name + " of Pod " +
                     pod.name);
        }
        sum = saturating_add(sum, r->second);
      }
      if (container == c.name) {
        found = true;
        break;
      }
    }
    if (!container.empty() && !found) {
      return err("container " + container + " not found in Pod " + pod.name);
    }
    out[pod.name] = sum;
  }
  return out;
}

struct UtilizationRatio {
  double ratio = 0;
  std::int32_t utilization = 0;
  std::int64_t raw_average = 0;
};

// GetResourceUtilizationRatio.
Result<UtilizationRatio> utilization_ratio(const PodSamples& samples,
                                           const std::map<std::string, std::int64_t>& requests,
                                           std::int32_t target) {
  std::int64_t metrics_total = 0;
  std::int64_t requests_total = 0;
  std::int64_t entries = 0;
  for (const auto& [pod, s] : samples) {
    auto it = requests.find(pod);
    if (it == requests.end()) continue;
    metrics_total = saturating_add(metrics_total, s.value_milli);
    requests_total = saturating_add(requests_total, it->second);
    ++entries;
  }
  if (requests_total == 0) return err("no metrics returned matched known pods");
  UtilizationRatio r;
  r.utilization = static_cast<std::int32_t>(saturating_mul(metrics_total, 100) / requests_total);
  r.ratio = static_cast<double>(r.utilization) / static_cast<double>(target);
  r.raw_average = metrics_total / entries;
  return r;
}

// GetMetricUsageRatio.
std::pair<double, std::int64_t> usage_ratio(const PodSamples& samples, std::int64_t target) {
  std::int64_t total = 0;
  for (const auto& [pod, s] : samples) total = saturating_add(total, s.value_milli);
  std::int64_t usage = samples.empty() ? 0 : total / static_cast<std::int64_t>(samples.size());
  return {static_cast<double>(usage) / static_cast<double>(target), usage};
}

void remove(PodSamples& samples, const std::set<std::string>& pods) {
  for (const auto& p : pods) samples.erase(p);
}

// After missing and unready pods were filled in: no change when the new ratio is within
// tolerance or points the other way, or when the new count would move against the ratio.
std::int32_t rebalanced_replicas(double ratio, double new_ratio, std::size_t samples,
                                 std::int32_t current, Tolerances tol) {
  if (tol.within(new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
      (ratio > 1.0 && new_ratio < 1.0)) {
    return current;
  }
  std::int32_t n = ceil_to_int32(new_ratio * static_cast<double>(samples));
  if ((new_ratio < 1.0 && n > current) || (new_ratio > 1.0 && n < current)) return current;
  return n;
}

// calcPlainMetricReplicas.
Result<MetricReplicas> plain_replicas(const Observation& obs, PodSamples samples,
                                      std::int32_t current, std::int64_t target, bool is_cpu,
                                      const HpaSettings& settings, Tolerances tol) {
  if (obs.pods.empty()) return err("no pods returned by selector while calculating replica count");
  PodGroups g = group_pods(obs, samples, is_cpu, settings);
  remove(samples, g.ignored);
  remove(samples, g.unready);
  if (samples.empty()) {
    return err("did not receive metrics for targeted pods (pods might be unready)");
  }
  auto [ratio, usage] = usage_ratio(samples, target);
  MetricReplicas out;
  out.usage_ratio = ratio;
  out.current.average_value_milli = usage;
  bool scale_up_with_unready = !g.unready.empty() && ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    out.replicas = tol.within(ratio) ? current : ceil_to_int32(ratio * g.ready_count);
    return out;
  }
  if (!g.missing.empty()) {
    if (ratio < 1.0) {
      for (const auto& p : g.missing) samples[p] = {target, 0, 0};
    } else if (ratio > 1.0) {
      for (const auto& p : g.missing) samples[p] = {0, 0, 0};
    }
  }
  if (scale_up_with_unready) {
    for (const auto& p : g.unready) samples[p] = {0, 0, 0};
  }
  out.replicas =
      rebalanced_replicas(ratio, usage_ratio(samples, target).first, samples.size(), current, tol);
  return out;
}

// getReadyPodsCount: Running and Ready, nothing else.
Result<std::int64_t> ready_pods_count(const Observation& obs) {
  if (obs.pods.empty()) {
    return err(
        "unable to calculate ready pods: no pods returned by selector while calculating replica "
        "count");
  }
  std::int64_t n = 0;
  for (const auto& p : obs.pods) {
    if (p.phase == PodPhase::Running && p.is_ready()) ++n;
  }
  return n;
}

// getUsageRatioReplicaCount.
Result<std::int32_t> usage_ratio_replica_count(const Observation& obs, std::int32_t current,
                                               double ratio, Tolerances tol) {
  if (current == 0) return ceil_to_int32(ratio);
  if (tol.within(ratio)) return current;
  auto ready = ready_pods_count(obs);
  if (!ready) return ready.error();
  return ceil_to_int32(ratio * static_cast<double>(*ready));
}

// Object and External AverageValue targets divide by scale.status.replicas.
MetricReplicas per_pod_replicas(std::int64_t usage, std::int64_t target,
                                std::int32_t status_replicas, Tolerances tol) {
  MetricReplicas out;
  out.replicas = status_replicas;
  double ratio = static_cast<double>(usage) /
                 (static_cast<double>(target) * static_cast<double>(status_replicas));
  out.usage_ratio = ratio;
  if (!tol.within(ratio)) {
    out.replicas = ceil_to_int32(static_cast<double>(usage) / static_cast<double>(target));
  }
  if (status_replicas == 0) {
    out.current.average_value_milli = usage;
  } else if (static_cast<double>(usage) >= 9.2233720368547758e18) {
    out.current.average_value_milli = std::numeric_limits<std::int64_t>::max();
  } else {
    out.current.average_value_milli = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(usage) / static_cast<double>(status_replicas)));
  }
  return out;
}

// Object and External metrics: a Value target scales with the ready pods
// (getUsageRatioReplicaCount), an AverageValue target with status.replicas.
Result<MetricReplicas> value_or_average_replicas(const Observation& obs, std::int32_t current,
                                                 std::int64_t usage, const MetricSpec& metric,
                                                 Tolerances tol, const std::string& source) {
  if (metric.target.type == MetricTargetType::Value && metric.target.value_milli) {
    MetricReplicas out;
    out.usage_ratio = static_cast<double>(usage) / static_cast<double>(*metric.target.value_milli);
    auto n = usage_ratio_replica_count(obs, current, out.usage_ratio, tol);
    if (!n) return n.error();
    out.replicas = *n;
    out.current.value_milli = usage;
    return out;
  }
  if (metric.target.type == MetricTargetType::AverageValue && metric.target.average_value_milli) {
    return per_pod_replicas(usage, *metric.target.average_value_milli, obs.scale.status_replicas,
                            tol);
  }
  return err("invalid " + source +
             " metric source: neither a value target nor an average value target was set");
}

}  // namespace

Tolerances tolerances_for(const AutoscalerSpec& spec, const HpaSettings& settings) {
  Tolerances t{settings.tolerance, settings.tolerance};
  if (spec.behavior) {
    if (spec.behavior->scale_down && spec.behavior->scale_down->tolerance) {
      t.down = *spec.behavior->scale_down->tolerance;
    }
    if (spec.behavior->scale_up && spec.behavior->scale_up->tolerance) {
      t.up = *spec.behavior->scale_up->tolerance;
    }
  }
  return t;
}

PodGroups group_pods(const Observation& obs, const PodSamples& samples, bool is_cpu,
                     const HpaSettings& settings) {
  PodGroups g;
  for (const auto& pod : obs.pods) {
    if (pod.deleting || pod.phase == PodPhase::Failed) {
      g.ignored.insert(pod.name);
      continue;
    }
    if (pod.phase == PodPhase::Pending) {
      g.unready.insert(pod.name);
      continue;
    }
    auto it = samples.find(pod.name);
    if (it == samples.end()) {
      g.missing.insert(pod.name);
      continue;
    }
    if (is_cpu) {
      bool unready;
      if (!pod.ready || !pod.start_time) {
        unready = true;
      } else {
        const PodSample& s = it->second;
        bool is_false = pod.ready->status == ConditionStatus::False;
        Time transition = pod.ready->last_transition_time.value_or(0);
        if (*pod.start_time + settings.cpu_initialization_period > obs.now) {
          unready = is_false || s.timestamp < transition + s.window;
        } else {
          unready = is_false && *pod.start_time + settings.initial_readiness_delay > transition;
        }
      }
      if (unready) {
        g.unready.insert(pod.name);
        continue;
      }
    }
    ++g.ready_count;
  }
  return g;
}

Result<MetricReplicas> resource_utilization_replicas(const Observation& obs, std::int32_t current,
                                                     std::int32_t target,
                                                     const std::string& resource,
                                                     const std::string& container,
                                                     const HpaSettings& settings, Tolerances tol) {
  auto sampled = resource_samples(obs, resource, container);
  if (!sampled) return sampled.error();
  PodSamples samples = std::move(sampled).value();
  if (obs.pods.empty()) return err("no pods returned by selector while calculating replica count");
  PodGroups g = group_pods(obs, samples, resource == "cpu", settings);
  remove(samples, g.ignored);
  remove(samples, g.unready);
  if (samples.empty()) {
    return err("did not receive metrics for targeted pods (pods might be unready)");
  }
  auto requests = pod_requests(obs, resource, container);
  if (!requests) return requests.error();
  auto first = utilization_ratio(samples, *requests, target);
  if (!first) return first.error();

  MetricReplicas out;
  out.usage_ratio = first->ratio;
  out.current.average_utilization = first->utilization;
  out.current.average_value_milli = first->raw_average;
  const double ratio = first->ratio;
  bool scale_up_with_unready = !g.unready.empty() && ratio > 1.0;
  if (!scale_up_with_unready && g.missing.empty()) {
    out.replicas = tol.within(ratio) ? current : ceil_to_int32(ratio * g.ready_count);
    return out;
  }
  if (!g.missing.empty()) {
    if (ratio < 1.0) {
      std::int64_t fallback = std::max<std::int64_t>(100, target);
      for (const auto& p : g.missing)
        samples[p] = {saturating_mul((*requests)[p], fallback) / 100, 0, 0};
    } else if (ratio > 1.0) {
      for (const auto& p : g.missing) samples[p] = {0, 0, 0};
    }
  }
  if (scale_up_with_unready) {
    for (const auto& p : g.unready) samples[p] = {0, 0, 0};
  }
  auto second = utilization_ratio(samples, *requests, target);
  if (!second) return second.error();
  out.replicas = rebalanced_replicas(ratio, second->ratio, samples.size(), current, tol);
  return out;
}

Result<MetricReplicas> resource_average_value_replicas(const Observation& obs, std::int32_t current,
                                                       std::int64_t target_milli,
                                                       const std::string& resource,
                                                       const std::string& container,
                                                       const HpaSettings& settings,
                                                       Tolerances tol) {
  auto sampled = resource_samples(obs, resource, container);
  if (!sampled) return sampled.error();
  return plain_replicas(obs, std::move(sampled).value(), current, target_milli, resource == "cpu",
                        settings, tol);
}

Result<MetricReplicas> pods_metric_replicas(const Observation& obs, std::int32_t current,
                                            const MetricSpec& metric, const HpaSettings& settings,
                                            Tolerances tol) {
  PodSamples samples;
  for (const auto& v : obs.custom_metrics) {
    if (v.object_kind != "Pod" || v.metric_name != metric.name) continue;
    samples[v.object_name] = {v.value_milli, v.timestamp,
                              v.window.value_or(kCustomMetricDefaultWindow)};
  }
  if (samples.empty()) {
    return err("unable to get metric " + metric.name +
               ": no metrics returned from custom metrics API");
  }
  return plain_replicas(obs, std::move(samples), current,
                        metric.target.average_value_milli.value_or(0), false, settings, tol);
}

Result<MetricReplicas> object_metric_replicas(const Observation& obs, std::int32_t current,
                                              const MetricSpec& metric, Tolerances tol) {
  const CustomMetricValue* found = nullptr;
  for (const auto& v : obs.custom_metrics) {
    if (v.metric_name == metric.name && v.object_kind == metric.described_object.kind &&
        v.object_name == metric.described_object.name) {
      found = &v;
      break;
    }
  }
  if (!found) {
    return err("unable to get metric " + metric.name + ": " + metric.described_object.kind + " " +
               metric.described_object.name + ": no metrics returned from custom metrics API");
  }
  return value_or_average_replicas(obs, current, found->value_milli, metric, tol, "object");
}

Result<MetricReplicas> external_metric_replicas(const Observation& obs, std::int32_t current,
                                                const MetricSpec& metric, Tolerances tol) {
  std::int64_t usage = 0;
  bool any = false;
  for (const auto& v : obs.external_metrics) {
    if (v.metric_name != metric.name) continue;
    if (metric.selector && !metric.selector->matches(v.labels)) continue;
    any = true;
    usage = saturating_add(usage, v.value_milli);
  }
  if (!any) {
    return err("unable to get external metric " + metric.name +
               ": no metrics returned from external metrics API");
  }
  return value_or_average_replicas(obs, current, usage, metric, tol, "external");
}

}  // namespace userscale::hpa
