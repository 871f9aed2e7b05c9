// The fake API server's metrics APIs, as the aggregator serves them from metrics-server and a
// custom/external metrics adapter (custom-metrics-apiserver, as prometheus-adapter and KEDA
// are built): the same paths, list kinds, field names and Status errors, answered from the
// rules the test set (fake_apiserver.h) for the pods that exist at the time of the request.
#include "core/labels.h"
#include "support/fake_apiserver.h"
#include "support/fake_apiserver_route.h"

namespace userscale::testing {
using nlohmann::json;

namespace {

constexpr const char* kResourceGroup = "metrics.k8s.io";
constexpr const char* kCustomGroup = "custom.metrics.k8s.io";
constexpr const char* kExternalGroup = "external.metrics.k8s.io";

Labels labels_of(const json& obj) {
  Labels out;
  const json md = obj.value("metadata", json::object());
  const json labels = md.value("labels", json::object());  // named: items() does not own it
  for (const auto& [k, v] : labels.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

// nullopt: the selector does not parse (the API answers 400).
std::optional<bool> selects(const std::string& selector, const Labels& labels) {
  if (selector.empty()) return true;
  auto reqs = parse_selector_string(selector);
  if (!reqs) return std::nullopt;
  for (const auto& q : *reqs) {
    if (!requirement_matches(q, labels)) return false;
  }
  return true;
}

json group_of(const char* name, const char* version) {
  const json v = {{"groupVersion", std::string(name) + "/" + version}, {"version", version}};
  return {{"name", name}, {"versions", json::array({v})}, {"preferredVersion", v}};
}

json list_of(const char* kind, const std::string& api_version, json items) {
  return {{"kind", kind},
          {"apiVersion", api_version},
          {"metadata", json::object()},
          {"items", std::move(items)}};
}

}  // namespace

json FakeApiServer::metrics_api_groups() const {
  return json::array({group_of(kResourceGroup, "v1beta1"), group_of(kCustomGroup, "v1beta2"),
                      group_of(kExternalGroup, "v1beta1")});
}

FakeApiServer::Answer FakeApiServer::metrics_api(const Route& r) {
  const auto not_found = [](const std::string& message) {
    return Answer{404, fake_status(404, "NotFound", message), {}};
  };
  const bool resource_api = r.group == kResourceGroup && r.version == "v1beta1";
  const bool custom_api = r.group == kCustomGroup && r.version == "v1beta2";
  const bool external_api = r.group == kExternalGroup && r.version == "v1beta1";
  if (!resource_api && !custom_api && !external_api)
    return not_found("the server could not find the requested resource");
  if (r.method != "GET")
    return {405, fake_status(405, "MethodNotAllowed", "method not allowed"), {}};
  const std::string gv = r.group + "/" + r.version;
  const std::string now = fake_timestamp();
  const std::string selector = r.param("labelSelector");
  const std::string metric_selector = r.param("metricLabelSelector");
  if (!parse_selector_string(selector) || !parse_selector_string(metric_selector)) {
    return {400, fake_status(400, "BadRequest", "unable to parse requirement"), {}};
  }
  std::lock_guard lock(mu_);

  if (r.plural.empty()) {  // discovery of the group version
    json resources = json::array();
    if (resource_api) {
      resources.push_back({{"name", "nodes"},
                           {"singularName", ""},
                           {"namespaced", false},
                           {"kind", "NodeMetrics"},
                           {"verbs", {"get", "list"}}});
      resources.push_back({{"name", "pods"},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", "PodMetrics"},
                           {"verbs", {"get", "list"}}});
    }
    std::set<std::string> names;
    if (custom_api) {
      for (const auto& m : pod_metrics_) names.insert("pods/" + m.metric);
      for (const auto& m : object_metrics_) names.insert(m.resource + "/" + m.metric);
    }
    if (external_api) {
      for (const auto& m : external_metrics_) names.insert(m.metric);
    }
    for (const auto& n : names) {
      resources.push_back({{"name", n},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", custom_api ? "MetricValueList" : "ExternalMetricValueList"},
                           {"verbs", {"get"}}});
    }
    return {200,
            {{"kind", "APIResourceList"},
             {"apiVersion", "v1"},
             {"groupVersion", gv},
             {"resources", resources}},
            {}};
  }

  // The pods of the namespace (every namespace when none is named), labels matched.
  auto pods = [&](const std::string& only_name) {
    std::vector<json> out;
    for (const auto& [key, pod] : objects_) {
      if (key.rfind("/pods/", 0) != 0) continue;
      const json& md = pod["metadata"];
      const std::string ns = md.value("namespace", "");
      const std::string name = md.value("name", "");
      if ((!r.ns.empty() && ns != r.ns) || (!only_name.empty() && name != only_name)) continue;
      if (hidden_pods_.count(ns + "/" + name)) continue;
      if (selects(selector, labels_of(pod)).value_or(false)) out.push_back(pod);
    }
    return out;
  };
  // The last rule of `rules` for this pod, or null.
  auto rule_for = [&](const std::vector<MetricRule>& rules, const json& pod,
                      const std::string& metric) -> const MetricRule* {
    const MetricRule* found = nullptr;
    const std::string ns = pod["metadata"].value("namespace", "");
    for (const auto& rule : rules) {
      if (rule.ns == ns && rule.metric == metric &&
          selects(rule.selector, labels_of(pod)).value_or(false)) {
        found = &rule;
      }
    }
    return found;
  };

  if (resource_api) {
    if (r.plural == "nodes") return {200, list_of("NodeMetricsList", gv, json::array()), {}};
    if (r.plural != "pods") return not_found("the server could not find the requested resource");
    json items = json::array();
    for (const json& pod : pods(r.name)) {
      const MetricRule* rule = rule_for(pod_usage_, pod, "");
      if (!rule) continue;
      const json& md = pod["metadata"];
      json containers = json::array();
      for (const auto& c : pod["spec"].value("containers", json::array())) {
        containers.push_back({{"name", c.value("name", "")}, {"usage", rule->labels}});
      }
      items.push_back({{"metadata",
                        {{"name", md["name"]},
                         {"namespace", md["namespace"]},
                         {"creationTimestamp", now},
                         {"labels", md.value("labels", json::object())}}},
                       {"timestamp", now},
                       {"window", "10.5s"},
                       {"containers", containers}});
    }
    if (!r.name.empty()) {
      if (items.empty())
        return not_found("podmetrics.metrics.k8s.io \"" + r.ns + "/" + r.name + "\" not found");
      json one = items[0];
      one["kind"] = "PodMetrics";
      one["apiVersion"] = gv;
      return {200, one, {}};
    }
    return {200, list_of("PodMetricsList", gv, items), {}};
  }

  if (custom_api) {
    // namespaces/NS/RESOURCE/NAME/METRIC (NAME "*": every object the labelSelector matches)
    const std::string metric = r.sub;
    if (r.ns.empty() || r.name.empty() || metric.empty())
      return not_found("the server could not find the requested resource");
    json items = json::array();
    auto value_of = [&](const MetricRule& rule, const std::string& kind,
                        const std::string& api_version, const std::string& name) {
      return json{
          {"describedObject",
           {{"kind", kind}, {"namespace", r.ns}, {"name", name}, {"apiVersion", api_version}}},
          {"metric", {{"name", metric}}},
          {"timestamp", now},
          {"value", rule.value}};
    };
    if (r.plural == "pods") {
      bool served = false;
      for (const auto& rule : pod_metrics_) served = served || rule.metric == metric;
      if (!served) return not_found("the server could not find the metric " + metric + " for pods");
      for (const json& pod : pods(r.name == "*" ? "" : r.name)) {
        const MetricRule* rule = nullptr;
        const std::string ns = pod["metadata"].value("namespace", "");
        for (const auto& candidate : pod_metrics_) {
          if (candidate.ns == ns && candidate.metric == metric &&
              selects(candidate.selector, labels_of(pod)).value_or(false) &&
              selects(metric_selector, candidate.labels).value_or(false)) {
            rule = &candidate;
          }
        }
        if (rule) items.push_back(value_of(*rule, "Pod", "/v1", pod["metadata"]["name"]));
      }
      if (r.name != "*" && items.empty()) {
        return not_found("the server could not find the metric " + metric + " for pods " + r.name);
      }
    } else {
      for (const auto& rule : object_metrics_) {
        if (rule.ns == r.ns && rule.resource == r.plural && rule.name == r.name &&
            rule.metric == metric) {
          const std::size_t dot = r.plural.find('.');
          const std::string api_version =
              dot == std::string::npos ? "/v1" : r.plural.substr(dot + 1) + "/v1";
          items = json::array({value_of(rule, rule.kind, api_version, rule.name)});
        }
      }
      if (items.empty()) {
        return not_found("the server could not find the metric " + metric + " for " + r.plural +
                         " " + r.name);
      }
    }
    return {200, list_of("MetricValueList", gv, items), {}};
  }

  // external.metrics.k8s.io: namespaces/NS/METRIC
  const std::string metric = r.plural;
  if (r.ns.empty() || !r.name.empty())
    return not_found("the server could not find the requested resource");
  bool served = false;
  json items = json::array();
  for (const auto& rule : external_metrics_) {
    if (rule.ns != r.ns || rule.metric != metric) continue;
    served = true;
    if (!selects(selector, rule.labels).value_or(false)) continue;
    items.push_back({{"metricName", metric},
                     {"metricLabels", rule.labels},
                     {"timestamp", now},
                     {"value", rule.value}});
  }
  if (!served) return not_found("the server could not find the external metric " + metric);
  return {200, list_of("ExternalMetricValueList", gv, items), {}};
}

void FakeApiServer::set_pod_usage(const std::string& ns, const std::string& selector,
                                  const std::map<std::string, std::string>& usage) {
  std::lock_guard lock(mu_);
  MetricRule rule;
  rule.ns = ns;
  rule.selector = selector;
  rule.labels = usage;
  pod_usage_.push_back(std::move(rule));
}

void FakeApiServer::set_pod_metric(const std::string& ns, const std::string& selector,
                                   const std::string& metric, const std::string& value,
                                   const std::map<std::string, std::string>& metric_labels) {
  std::lock_guard lock(mu_);
  MetricRule rule;
  rule.ns = ns;
  rule.selector = selector;
  rule.metric = metric;
  rule.value = value;
  rule.labels = metric_labels;
  pod_metrics_.push_back(std::move(rule));
}

void FakeApiServer::set_object_metric(const std::string& ns, const std::string& resource,
                                      const std::string& kind, const std::string& name,
                                      const std::string& metric, const std::string& value) {
  std::lock_guard lock(mu_);
  MetricRule rule;
  rule.ns = ns;
  rule.resource = resource;
  rule.kind = kind;
  rule.name = name;
  rule.metric = metric;
  rule.value = value;
  object_metrics_.push_back(std::move(rule));
}

void FakeApiServer::set_external_metric(const std::string& ns, const std::string& metric,
                                        const std::map<std::string, std::string>& labels,
                                        const std::string& value) {
  std::lock_guard lock(mu_);
  for (auto& rule : external_metrics_) {
    if (rule.ns == ns && rule.metric == metric && rule.labels == labels) {
      rule.value = value;
      return;
    }
  }
  MetricRule rule;
  rule.ns = ns;
  rule.metric = metric;
  rule.labels = labels;
  rule.value = value;
  external_metrics_.push_back(std::move(rule));
}

void FakeApiServer::hide_pod_metrics(const std::string& ns, const std::string& pod, bool hidden) {
  std::lock_guard lock(mu_);
  if (hidden) {
    hidden_pods_.insert(ns + "/" + pod);
  } else {
    hidden_pods_.erase(ns + "/" + pod);
  }
}

void FakeApiServer::clear_metrics() {
  std::lock_guard lock(mu_);
  pod_usage_.clear();
  pod_metrics_.clear();
  object_metrics_.clear();
  external_metrics_.clear();
  hidden_pods_.clear();
}

}  // namespace userscale::testing
