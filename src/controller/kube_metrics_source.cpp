#include "controller/kube_metrics_source.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/hpa_case.h"
#include "controller/kube_metrics_paths.h"
#include "controller/observation_fill.h"
#include "metrics/k8s_metrics_api.h"

namespace userscale::controller {
using nlohmann::json;

namespace {

std::int64_t pod_cpu_request(const PodInfo& p) {
  if (auto it = p.pod_requests_milli.find("cpu"); it != p.pod_requests_milli.end())
    return it->second;
  std::int64_t sum = 0;
  for (const auto& c : p.containers) {
    if (auto it = c.requests_milli.find("cpu"); it != c.requests_milli.end()) sum += it->second;
  }
  return sum;
}

void newest(PodInfo& p, Time t) {
  p.serving.sample_time = std::max(p.serving.sample_time.value_or(t), t);
}

}  // namespace

void apply_pod_spec(PodInfo& p, const json& pod, double cpu_request_cores) {
  // An object the reader refuses keeps what the replica list gave; only its request defaults.
  if (auto read = config::parse_pod(pod); read.ok()) {
    for (auto& [k, v] : read->labels) p.labels[k] = v;
    p.containers = std::move(read->containers);
    p.pod_requests_milli = std::move(read->pod_requests_milli);
  }
  if (pod_cpu_request(p) == 0) {
    p.pod_requests_milli["cpu"] = static_cast<std::int64_t>(cpu_request_cores * 1000.0 + 0.5);
  }
}

KubeMetricsSource::KubeMetricsSource(actuate::kube::KubeClient& client,
                                     const actuate::kube::Informer* pods,
                                     KubeMetricsSourceOptions o)
    : client_(client), pods_(pods), o_(std::move(o)) {}

Result<std::string> KubeMetricsSource::read(const std::string& path) {
  auto r = client_.call("GET", path);
  if (!r.ok()) return Error{"GET " + path, r.error().to_string()};
  if (r->status != 200) return actuate::kube::api_error(*r, "GET " + path);
  return r->body;
}

Result<Observation> KubeMetricsSource::observe(const ObserveRequest& req) {
  Observation obs;
  obs.now = req.now;
  const std::string& ns = o_.namespace_name;
  const std::string selector = o_.selector ? o_.selector() : "";
  std::map<std::string, std::size_t> index;  // pod name -> obs.pods
  for (const auto& r : req.replicas) {
    PodInfo p = pod_info(r, o_.cpu_request_cores);
    if (pods_) {
      if (auto pod = pods_->object(ns, r.name)) apply_pod_spec(p, *pod, o_.cpu_request_cores);
    }
    index[p.name] = obs.pods.size();
    obs.pods.push_back(std::move(p));
  }
  int attempted = 0;
  std::vector<std::string> failures;
  // The body of a read, or nullopt after noting why there is none.
  auto fetch = [&](const std::string& path) -> std::optional<std::string> {
    ++attempted;
    auto body = read(path);
    if (!body.ok()) {
      failures.push_back(body.error().to_string());
      return std::nullopt;
    }
    return std::move(body).value();
  };
  auto parsed = [&](const std::string& path, auto result) {
    if (!result.ok()) failures.push_back("GET " + path + ": " + result.error().to_string());
    return result;
  };

  // metrics.k8s.io: every pod's usage; CPU utilization against its request.
  {
    const std::string path = pod_metrics_path(ns, selector);
    if (auto body = fetch(path)) {
      auto list = parsed(path, metrics::parse_pod_metrics_list(*body));
      if (list.ok()) {
        std::vector<PodResourceMetrics> kept;
        for (auto& m : *list) {
          auto it = index.find(m.pod);
          if (it == index.end()) continue;  // not a pod of this target
          PodInfo& p = obs.pods[it->second];
          std::int64_t cpu = 0;
          bool has_cpu = !m.containers.empty();
          for (const auto& c : m.containers) {
            auto u = c.usage_milli.find("cpu");
            if (u == c.usage_milli.end()) {
              has_cpu = false;
              break;
            }
            cpu += u->second;
          }
          const std::int64_t request = pod_cpu_request(p);
          if (has_cpu && request > 0) {
            p.serving.cpu_utilization = 100.0 * static_cast<double>(cpu) / request;
            newest(p, m.timestamp);
          }
          kept.push_back(std::move(m));
        }
        obs.pod_metrics = std::move(kept);
      }
    }
  }

  // custom.metrics.k8s.io, pods/*/METRIC: the spec's Pods metrics (into custom_metrics, as the
  // HPA reads them) and the serving signals (into each pod's signals; a series asked with a
  // metric selector is not the pod's whole signal).
  struct PodQuery {
    std::string metric, metric_selector;
    bool for_spec = false;
    const ServingMetricName* serving = nullptr;
  };
  std::vector<PodQuery> pod_queries;
  auto want = [&](const std::string& metric, const std::string& metric_selector) -> PodQuery& {
    for (auto& q : pod_queries) {
      if (q.metric == metric && q.metric_selector == metric_selector) return q;
    }
    return pod_queries.emplace_back(PodQuery{metric, metric_selector});
  };
  for (const auto& m : o_.metrics) {
    if (m.type == MetricSourceType::Pods)
      want(m.name, m.selector ? to_selector_string(*m.selector) : "").for_spec = true;
  }
  if (o_.serving_metrics) {
    for (const auto& s : kServingMetricNames) want(s.metric, "").serving = &s;
  }
  for (const auto& q : pod_queries) {
    const std::string path = custom_pods_metric_path(ns, q.metric, selector, q.metric_selector);
    auto body = fetch(path);
    if (!body) continue;
    auto list = parsed(path, metrics::parse_metric_value_list(*body));
    if (!list.ok()) continue;
    for (auto& v : *list) {
      auto it = index.find(v.object_name);
      if (v.object_kind != "Pod" || it == index.end()) continue;
      PodInfo& p = obs.pods[it->second];
      if (q.serving) {
        p.serving.*q.serving->field = static_cast<double>(v.value_milli) / 1000.0;
        if (v.window) p.serving.window = std::max(p.serving.window, *v.window);
      }
      newest(p, v.timestamp);
      if (q.for_spec) {
        v.metric_name = q.metric;  // the name asked for, as the HPA matches it
        obs.custom_metrics.push_back(std::move(v));
      }
    }
  }

  // custom.metrics.k8s.io, one described object per Object metric.
  for (const auto& m : o_.metrics) {
    if (m.type != MetricSourceType::Object) continue;
    const std::string path = custom_object_metric_path(
        ns, m.described_object, m.name, m.selector ? to_selector_string(*m.selector) : "");
    auto body = fetch(path);
    if (!body) continue;
    auto list = parsed(path, metrics::parse_metric_value_list(*body));
    if (!list.ok()) continue;
    for (auto& v : *list) {
      v.metric_name = m.name;
      obs.custom_metrics.push_back(std::move(v));
    }
  }

  // external.metrics.k8s.io: each External metric by its selector.
  for (const auto& m : o_.metrics) {
    if (m.type != MetricSourceType::External) continue;
    const std::string path =
        external_metric_path(ns, m.name, m.selector ? to_selector_string(*m.selector) : "");
    auto body = fetch(path);
    if (!body) continue;
    auto list = parsed(path, metrics::parse_external_metric_value_list(*body));
    if (!list.ok()) continue;
    for (auto& v : *list) {
      v.metric_name = m.name;
      obs.external_metrics.push_back(std::move(v));
    }
  }

  if (attempted > 0 && static_cast<int>(failures.size()) >= attempted) {
    std::string why;
    for (const auto& f : failures) why += (why.empty() ? "" : "; ") + f;
    return Error{"metrics-api", "no metrics API answered: " + why};
  }
  return obs;
}

}  // namespace userscale::controller
