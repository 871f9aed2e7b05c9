#include "config/hpa_case.h"

#include "config/json_reader.h"

namespace userscale::config {
namespace {

std::optional<LabelSelector> read_label_selector(JsonReader& r, const json& parent,
                                                 const std::string& path, const std::string& key) {
  const json* sel = r.object(parent, path, key, false);
  if (!sel) return std::nullopt;
  const std::string p = join_path(path, key);
  LabelSelector out;
  if (const json* ml = r.object(*sel, p, "matchLabels", false)) {
    for (const auto& [k, v] : ml->items()) {
      if (!v.is_string()) {
        r.fail(join_path(join_path(p, "matchLabels"), k), "expected string");
        return std::nullopt;
      }
      out.match_labels[k] = v.get<std::string>();
    }
  }
  if (const json* exprs = r.array(*sel, p, "matchExpressions", false)) {
    for (std::size_t i = 0; i < exprs->size(); ++i) {
      const std::string ep = index_path(join_path(p, "matchExpressions"), i);
      const json& e = (*exprs)[i];
      SelectorRequirement req;
      req.key = r.string(e, ep, "key", true).value_or("");
      auto op = r.string(e, ep, "operator", true).value_or("");
      if (op == "In") {
        req.op = SelectorOp::In;
      } else if (op == "NotIn") {
        req.op = SelectorOp::NotIn;
      } else if (op == "Exists") {
        req.op = SelectorOp::Exists;
      } else if (op == "DoesNotExist") {
        req.op = SelectorOp::DoesNotExist;
      } else if (r.ok()) {
        r.fail(join_path(ep, "operator"), "unknown operator \"" + op + "\"");
      }
      if (const json* vals = r.array(e, ep, "values", false)) {
        for (std::size_t k = 0; k < vals->size(); ++k) {
          if (!(*vals)[k].is_string()) {
            r.fail(index_path(join_path(ep, "values"), k), "expected string");
            break;
          }
          req.values.push_back((*vals)[k].get<std::string>());
        }
      }
      out.match_expressions.push_back(std::move(req));
    }
  }
  return out;
}

MetricTarget read_target(JsonReader& r, const json& parent, const std::string& path) {
  MetricTarget t;
  const json* target = r.object(parent, path, "target", true);
  if (!target) return t;
  const std::string p = join_path(path, "target");
  auto type = r.string(*target, p, "type", true).value_or("");
  if (type == "Utilization") {
    t.type = MetricTargetType::Utilization;
  } else if (type == "Value") {
    t.type = MetricTargetType::Value;
  } else if (type == "AverageValue") {
    t.type = MetricTargetType::AverageValue;
  } else if (r.ok()) {
    r.fail(join_path(p, "type"), "unknown target type \"" + type + "\"");
  }
  if (auto u = r.integer(*target, p, "averageUtilization", false)) {
    t.average_utilization = static_cast<std::int32_t>(*u);
  }
  if (auto q = r.quantity(*target, p, "value", false)) t.value_milli = q->milli;
  if (auto q = r.quantity(*target, p, "averageValue", false)) t.average_value_milli = q->milli;
  return t;
}

MetricSpec read_metric(JsonReader& r, const json& m, const std::string& path) {
  MetricSpec out;
  out.type_name = r.string(m, path, "type", true).value_or("");
  static const std::pair<const char*, MetricSourceType> kTypes[] = {
      {"Resource", MetricSourceType::Resource},
      {"ContainerResource", MetricSourceType::ContainerResource},
      {"Pods", MetricSourceType::Pods},
      {"Object", MetricSourceType::Object},
      {"External", MetricSourceType::External}};
  out.type = MetricSourceType::Unknown;
  for (const auto& [name, type] : kTypes) {
    if (out.type_name == name) out.type = type;
  }
  auto read_metric_identifier = [&](const json& src, const std::string& sp) {
    const json* id = r.object(src, sp, "metric", true);
    if (!id) return;
    const std::string ip = join_path(sp, "metric");
    out.name = r.string(*id, ip, "name", true).value_or("");
    out.selector = read_label_selector(r, *id, ip, "selector");
  };
  switch (out.type) {
    case MetricSourceType::Resource:
    case MetricSourceType::ContainerResource: {
      const char* key = out.type == MetricSourceType::Resource ? "resource" : "containerResource";
      const json* src = r.object(m, path, key, true);
      if (!src) break;
      const std::string sp = join_path(path, key);
      out.name = r.string(*src, sp, "name", true).value_or("");
      if (out.type == MetricSourceType::ContainerResource) {
        out.container = r.string(*src, sp, "container", true).value_or("");
      }
      out.target = read_target(r, *src, sp);
      break;
    }
    case MetricSourceType::Pods:
    case MetricSourceType::External: {
      const char* key = out.type == MetricSourceType::Pods ? "pods" : "external";
      const json* src = r.object(m, path, key, true);
      if (!src) break;
      const std::string sp = join_path(path, key);
      read_metric_identifier(*src, sp);
      out.target = read_target(r, *src, sp);
      break;
    }
    case MetricSourceType::Object: {
      const json* src = r.object(m, path, "object", true);
      if (!src) break;
      const std::string sp = join_path(path, "object");
      if (const json* d = r.object(*src, sp, "describedObject", true)) {
        const std::string dp = join_path(sp, "describedObject");
        out.described_object.kind = r.string(*d, dp, "kind", true).value_or("");
        out.described_object.name = r.string(*d, dp, "name", true).value_or("");
        out.described_object.api_version = r.string(*d, dp, "apiVersion", false).value_or("");
      }
      read_metric_identifier(*src, sp);
      out.target = read_target(r, *src, sp);
      break;
    }
    case MetricSourceType::Unknown:
      // An unknown type is not malformed: the HPA reports InvalidMetricSourceType.
      break;
  }
  return out;
}

std::optional<ScalingRules> read_rules(JsonReader& r, const json& behavior, const std::string& path,
                                       const std::string& key) {
  const json* rules = r.object(behavior, path, key, false);
  if (!rules) return std::nullopt;
  const std::string p = join_path(path, key);
  ScalingRules out;
  if (auto w = r.integer(*rules, p, "stabilizationWindowSeconds", false, 0, 3600)) {
    out.stabilization_window_seconds = static_cast<std::int32_t>(*w);
  }
  if (auto s = r.string(*rules, p, "selectPolicy", false)) {
    if (*s == "Max") {
      out.select_policy = SelectPolicy::Max;
    } else if (*s == "Min") {
      out.select_policy = SelectPolicy::Min;
    } else if (*s == "Disabled") {
      out.select_policy = SelectPolicy::Disabled;
    } else {
      r.fail(join_path(p, "selectPolicy"), "unknown selectPolicy \"" + *s + "\"");
    }
  }
  if (const json* pols = r.array(*rules, p, "policies", false)) {
    std::vector<ScalingPolicy> list;
    for (std::size_t i = 0; i < pols->size(); ++i) {
      const std::string pp = index_path(join_path(p, "policies"), i);
      ScalingPolicy sp;
      auto type = r.string((*pols)[i], pp, "type", true).value_or("");
      if (type == "Pods") {
        sp.type = ScalingPolicyType::Pods;
      } else if (type == "Percent") {
        sp.type = ScalingPolicyType::Percent;
      } else if (r.ok()) {
        r.fail(join_path(pp, "type"), "unknown policy type \"" + type + "\"");
      }
      sp.value = static_cast<std::int32_t>(r.integer((*pols)[i], pp, "value", true, 1).value_or(0));
      sp.period_seconds = static_cast<std::int32_t>(
          r.integer((*pols)[i], pp, "periodSeconds", true, 1, 1800).value_or(0));
      list.push_back(sp);
    }
    out.policies = std::move(list);
  }
  if (auto t = r.quantity(*rules, p, "tolerance", false)) {
    if (t->approx < 0) {
      r.fail(join_path(p, "tolerance"), "must be >= 0");
    }
    out.tolerance = t->approx;
  }
  return out;
}

ConditionStatus read_condition_status(JsonReader& r, const json& c, const std::string& path) {
  auto s = r.string(c, path, "status", true).value_or("");
  if (s == "True") return ConditionStatus::True;
  if (s == "False") return ConditionStatus::False;
  if (s == "Unknown") return ConditionStatus::Unknown;
  if (r.ok()) r.fail(join_path(path, "status"), "unknown condition status \"" + s + "\"");
  return ConditionStatus::Unknown;
}

std::map<std::string, std::int64_t> read_resource_list(JsonReader& r, const json& parent,
                                                       const std::string& path,
                                                       const std::string& key) {
  std::map<std::string, std::int64_t> out;
  const json* list = r.object(parent, path, key, false);
  if (!list) return out;
  const std::string p = join_path(path, key);
  for (const auto& [name, value] : list->items()) {
    auto q = r.quantity_value(value, join_path(p, name));
    if (!q) continue;
    // The API server refuses negative requests and metrics-server never reports negative usage,
    // so a case carrying one describes no cluster; the live metrics-API source refuses it too.
    if (q->milli < 0) {
      r.fail(join_path(p, name), "cannot be negative (" + format_milli(q->milli) + ")");
      continue;
    }
    out[name] = q->milli;
  }
  return out;
}

ContainerInfo read_container(JsonReader& r, const json& c, const std::string& path) {
  ContainerInfo out;
  out.name = r.string(c, path, "name", false).value_or("");
  if (const json* res = r.object(c, path, "resources", false)) {
    out.requests_milli = read_resource_list(r, *res, join_path(path, "resources"), "requests");
  }
  return out;
}

PodInfo read_pod(JsonReader& r, const json& item, const std::string& path) {
  PodInfo pod;
  if (const json* meta = r.object(item, path, "metadata", true)) {
    const std::string mp = join_path(path, "metadata");
    pod.name = r.string(*meta, mp, "name", true).value_or("");
    pod.deleting = r.time(*meta, mp, "deletionTimestamp", false).has_value();
    if (const json* labels = r.object(*meta, mp, "labels", false)) {
      for (const auto& [k, v] : labels->items()) {
        if (v.is_string()) pod.labels[k] = v.get<std::string>();
      }
    }
  }
  if (const json* spec = r.object(item, path, "spec", false)) {
    const std::string sp = join_path(path, "spec");
    if (const json* cs = r.array(*spec, sp, "containers", false)) {
      for (std::size_t i = 0; i < cs->size(); ++i) {
        pod.containers.push_back(
            read_container(r, (*cs)[i], index_path(join_path(sp, "containers"), i)));
      }
    }
    if (const json* ics = r.array(*spec, sp, "initContainers", false)) {
      for (std::size_t i = 0; i < ics->size(); ++i) {
        const std::string ip = index_path(join_path(sp, "initContainers"), i);
        auto policy = r.string((*ics)[i], ip, "restartPolicy", false);
        ContainerInfo c = read_container(r, (*ics)[i], ip);
        // Only sidecars (restartable init containers) run beside the app and count.
        if (policy && *policy == "Always") pod.containers.push_back(std::move(c));
      }
    }
    if (const json* res = r.object(*spec, sp, "resources", false)) {
      pod.pod_requests_milli = read_resource_list(r, *res, join_path(sp, "resources"), "requests");
    }
  }
  pod.phase = PodPhase::Unknown;
  if (const json* status = r.object(item, path, "status", false)) {
    const std::string st = join_path(path, "status");
    if (auto phase = r.string(*status, st, "phase", false)) {
      if (*phase == "Pending") {
        pod.phase = PodPhase::Pending;
      } else if (*phase == "Running") {
        pod.phase = PodPhase::Running;
      } else if (*phase == "Succeeded") {
        pod.phase = PodPhase::Succeeded;
      } else if (*phase == "Failed") {
        pod.phase = PodPhase::Failed;
      } else if (*phase == "Unknown") {
        pod.phase = PodPhase::Unknown;
      } else {
        r.fail(join_path(st, "phase"), "unknown phase \"" + *phase + "\"");
      }
    }
    pod.start_time = r.time(*status, st, "startTime", false);
    if (const json* conds = r.array(*status, st, "conditions", false)) {
      for (std::size_t i = 0; i < conds->size(); ++i) {
        const std::string cp = index_path(join_path(st, "conditions"), i);
        const json& c = (*conds)[i];
        auto type = r.string(c, cp, "type", true).value_or("");
        ConditionStatus cs = read_condition_status(r, c, cp);
        auto transition = r.time(c, cp, "lastTransitionTime", false);
        if (type == "Ready") pod.ready = PodReadyCondition{cs, transition};
      }
    }
  }
  return pod;
}

void read_pod_metrics(JsonReader& r, const json& input, Observation& obs) {
  const json* list = r.object(input, "input", "podMetrics", false);
  if (!list) return;
  const std::string lp = "input.podMetrics";
  const json* items = r.array(*list, lp, "items", false);
  std::vector<PodResourceMetrics> out;
  if (items) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string ip = index_path(join_path(lp, "items"), i);
      const json& item = (*items)[i];
      PodResourceMetrics m;
      if (const json* meta = r.object(item, ip, "metadata", true)) {
        m.pod = r.string(*meta, join_path(ip, "metadata"), "name", true).value_or("");
      }
      m.timestamp = r.time(item, ip, "timestamp", false).value_or(0);
      m.window = r.duration(item, ip, "window", false).value_or(0);
      if (const json* cs = r.array(item, ip, "containers", false)) {
        for (std::size_t k = 0; k < cs->size(); ++k) {
          const std::string cp = index_path(join_path(ip, "containers"), k);
          ContainerUsage cu;
          cu.name = r.string((*cs)[k], cp, "name", false).value_or("");
          cu.usage_milli = read_resource_list(r, (*cs)[k], cp, "usage");
          m.containers.push_back(std::move(cu));
        }
      }
      out.push_back(std::move(m));
    }
  }
  obs.pod_metrics = std::move(out);
}

void read_custom_metrics(JsonReader& r, const json& input, Observation& obs) {
  const json* list = r.object(input, "input", "customMetrics", false);
  if (!list) return;
  const std::string lp = "input.customMetrics";
  const json* items = r.array(*list, lp, "items", false);
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string ip = index_path(join_path(lp, "items"), i);
    const json& item = (*items)[i];
    CustomMetricValue v;
    if (const json* d = r.object(item, ip, "describedObject", true)) {
      const std::string dp = join_path(ip, "describedObject");
      v.object_kind = r.string(*d, dp, "kind", false).value_or("");
      v.object_name = r.string(*d, dp, "name", false).value_or("");
    }
    if (const json* m = r.object(item, ip, "metric", false)) {
      v.metric_name = r.string(*m, join_path(ip, "metric"), "name", false).value_or("");
    } else {
      v.metric_name = r.string(item, ip, "metricName", false).value_or("");
    }
    v.timestamp = r.time(item, ip, "timestamp", false).value_or(0);
    if (auto w = r.integer(item, ip, "windowSeconds", false, 0)) v.window = static_cast<double>(*w);
    if (auto q = r.quantity(item, ip, "value", true)) v.value_milli = q->milli;
    obs.custom_metrics.push_back(std::move(v));
  }
}

void read_external_metrics(JsonReader& r, const json& input, Observation& obs) {
  const json* list = r.object(input, "input", "externalMetrics", false);
  if (!list) return;
  const std::string lp = "input.externalMetrics";
  const json* items = r.array(*list, lp, "items", false);
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string ip = index_path(join_path(lp, "items"), i);
    const json& item = (*items)[i];
    ExternalMetricValue v;
    v.metric_name = r.string(item, ip, "metricName", true).value_or("");
    if (const json* labels = r.object(item, ip, "metricLabels", false)) {
      for (const auto& [k, val] : labels->items()) {
        if (val.is_string()) v.labels[k] = val.get<std::string>();
      }
    }
    v.timestamp = r.time(item, ip, "timestamp", false).value_or(0);
    if (auto q = r.quantity(item, ip, "value", true)) v.value_milli = q->milli;
    obs.external_metrics.push_back(std::move(v));
  }
}

void read_history(JsonReader& r, const json& input, BehaviorState& state) {
  const json* h = r.object(input, "input", "history", false);
  if (!h) return;  // first sight: reconcile seeds the history
  const std::string hp = "input.history";
  if (const json* recs = r.array(*h, hp, "recommendations", false)) {
    state.known = true;
    for (std::size_t i = 0; i < recs->size(); ++i) {
      const std::string rp = index_path(join_path(hp, "recommendations"), i);
      TimedRecommendation rec;
      rec.timestamp = r.time((*recs)[i], rp, "timestamp", true).value_or(0);
      rec.replicas =
          static_cast<std::int32_t>(r.integer((*recs)[i], rp, "replicas", true, 0).value_or(0));
      state.recommendations.push_back(rec);
    }
  }
  for (const char* key : {"scaleUpEvents", "scaleDownEvents"}) {
    const json* events = r.array(*h, hp, key, false);
    if (!events) continue;
    auto& list =
        std::string(key) == "scaleUpEvents" ? state.scale_up_events : state.scale_down_events;
    for (std::size_t i = 0; i < events->size(); ++i) {
      const std::string ep = index_path(join_path(hp, key), i);
      ScaleEvent e;
      e.timestamp = r.time((*events)[i], ep, "timestamp", true).value_or(0);
      e.change = static_cast<std::int32_t>(
          r.integer((*events)[i], ep, "replicaChange", true, 0).value_or(0));
      list.push_back(e);
    }
  }
}

void read_settings(JsonReader& r, const json& input, HpaSettings& s) {
  const json* c = r.object(input, "input", "config", false);
  if (!c) return;
  const std::string cp = "input.config";
  if (auto v = r.number(*c, cp, "tolerance", false)) {
    if (*v < 0) r.fail(join_path(cp, "tolerance"), "must be >= 0");
    s.tolerance = *v;
  }
  auto seconds = [&](const char* key, double& out) {
    if (auto v = r.number(*c, cp, key, false)) {
      if (*v < 0) r.fail(join_path(cp, key), "must be >= 0");
      out = *v;
    }
  };
  seconds("cpuInitializationPeriodSeconds", s.cpu_initialization_period);
  seconds("initialReadinessDelaySeconds", s.initial_readiness_delay);
  seconds("downscaleStabilizationWindowSeconds", s.downscale_stabilization_window);
}

}  // namespace

AutoscalerSpec read_hpa_spec(JsonReader& r, const json& spec, const std::string& path) {
  AutoscalerSpec out;
  if (const json* ref = r.object(spec, path, "scaleTargetRef", false)) {
    const std::string rp = join_path(path, "scaleTargetRef");
    out.scale_target_ref.api_version = r.string(*ref, rp, "apiVersion", false).value_or("");
    out.scale_target_ref.kind = r.string(*ref, rp, "kind", false).value_or("");
    out.scale_target_ref.name = r.string(*ref, rp, "name", false).value_or("");
  }
  if (auto m = r.integer(spec, path, "minReplicas", false, 0)) {
    out.min_replicas = static_cast<std::int32_t>(*m);
  }
  out.max_replicas =
      static_cast<std::int32_t>(r.integer(spec, path, "maxReplicas", true, 1).value_or(1));
  // The API server rejects such an HPA; accepted, it let a decision break one of the bounds
  // (min 4, max 2, 3 replicas: scaled to 2, under minReplicas; found by tests/fuzz/k8s_objects).
  if (out.min_replicas && *out.min_replicas > out.max_replicas) {
    r.fail(join_path(path, "minReplicas"), "must be <= maxReplicas (" +
                                               std::to_string(out.max_replicas) + "), got " +
                                               std::to_string(*out.min_replicas));
  }
  if (const json* metrics = r.array(spec, path, "metrics", false)) {
    for (std::size_t i = 0; i < metrics->size(); ++i) {
      out.metrics.push_back(
          read_metric(r, (*metrics)[i], index_path(join_path(path, "metrics"), i)));
    }
  }
  if (const json* b = r.object(spec, path, "behavior", false)) {
    const std::string bp = join_path(path, "behavior");
    Behavior behavior;
    behavior.scale_up = read_rules(r, *b, bp, "scaleUp");
    behavior.scale_down = read_rules(r, *b, bp, "scaleDown");
    out.behavior = behavior;
  }
  out.policy.name = "hpa";
  return out;
}

Result<PodInfo> parse_pod(const json& pod) {
  JsonReader r;
  PodInfo p = read_pod(r, pod, "pod");
  if (!r.ok()) return r.error();
  return p;
}

Result<HpaCase> parse_hpa_case(const json& doc) {
  JsonReader r;
  HpaCase c;
  if (!doc.is_object()) return Error{"", "a decision case must be a JSON object"};
  c.name = r.string(doc, "", "name", true).value_or("");
  c.source = r.string(doc, "", "source", false).value_or("");
  auto now = r.time(doc, "", "now", true);
  const json* input = r.object(doc, "", "input", true);
  if (!r.ok()) return r.error();
  c.observation.now = *now;

  if (const json* hpa = r.object(*input, "input", "hpa", true)) {
    if (const json* spec = r.object(*hpa, "input.hpa", "spec", true)) {
      c.spec = read_hpa_spec(r, *spec, "input.hpa.spec");
    }
  }
  if (const json* scale = r.object(*input, "input", "scale", true)) {
    if (const json* spec = r.object(*scale, "input.scale", "spec", false)) {
      c.observation.scale.spec_replicas = static_cast<std::int32_t>(
          r.integer(*spec, "input.scale.spec", "replicas", false, 0).value_or(0));
    }
    if (const json* status = r.object(*scale, "input.scale", "status", false)) {
      c.observation.scale.status_replicas = static_cast<std::int32_t>(
          r.integer(*status, "input.scale.status", "replicas", false, 0).value_or(0));
      c.observation.scale.selector =
          r.string(*status, "input.scale.status", "selector", false).value_or("");
    }
  }
  if (const json* pods = r.object(*input, "input", "pods", true)) {
    if (const json* items = r.array(*pods, "input.pods", "items", false)) {
      for (std::size_t i = 0; i < items->size() && r.ok(); ++i) {
        c.observation.pods.push_back(read_pod(r, (*items)[i], index_path("input.pods.items", i)));
      }
    }
  }
  read_pod_metrics(r, *input, c.observation);
  read_custom_metrics(r, *input, c.observation);
  read_external_metrics(r, *input, c.observation);
  read_history(r, *input, c.history);
  read_settings(r, *input, c.settings);
  if (!r.ok()) return r.error();
  return c;
}

}  // namespace userscale::config
