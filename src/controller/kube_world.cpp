#include "controller/kube_world.h"

#include <chrono>
#include <thread>

#include "config/gpu_autoscaler.h"
#include "controller/clock.h"
#include "controller/kube_metrics_source.h"
#include "controller/prometheus_source.h"
#include "controller/scrape_source.h"
#include "core/policies/registry.h"
#include "core/timefmt.h"

namespace userscale::controller {
using nlohmann::json;

struct KubeWorld::Entry {
  std::string key;  // namespace/name of the GPUAutoscaler
  std::string ns, name, uid;
  std::string spec_text;  // to notice a changed spec or mode (watched_text)
  std::int64_t generation = 0;
  std::string target;  // the controller's target name; empty when not acted on
  std::unique_ptr<KubernetesActuator> actuator;
  std::unique_ptr<MetricSource> source;
  json status;          // as last written
  std::string invalid;  // why it is not acted on; written to its status by the leader
  bool advisory = false;
  bool invalid_written = false;
};

namespace {

std::string now_text() {
  return format_rfc3339(RealClock().now());
}

std::string status_path(const std::string& ns, const std::string& name) {
  return "/apis/userscale.dev/v1alpha1/namespaces/" + ns + "/gpuautoscalers/" + name + "/status";
}

// What, when it changes, makes an object be re-read: its spec and its mode annotation.
std::string watched_text(const json& obj) {
  const json md = obj.value("metadata", json::object());
  const json annotations = md.value("annotations", json::object());
  const json mode = annotations.is_object() ? annotations.value(kModeAnnotation, json()) : json();
  return obj.value("spec", json::object()).dump() + "\n" + mode.dump();
}

// Drops what the API server adds, so that the strict parser reads the object as written.
json as_written(const json& obj) {
  json md = obj.value("metadata", json::object());
  json clean = {
      {"apiVersion", obj.value("apiVersion", "")},
      {"kind", obj.value("kind", "")},
      {"metadata", {{"name", md.value("name", "")}, {"namespace", md.value("namespace", "")}}},
      {"spec", obj.value("spec", json::object())}};
  if (md.contains("labels")) clean["metadata"]["labels"] = md["labels"];
  return clean;
}

json condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message) {
  return {{"type", type}, {"status", status}, {"reason", reason}, {"message", message}};
}

// Conditions without lastTransitionTime, for comparing.
json bare(json status) {
  for (auto& c : status["conditions"]) c.erase("lastTransitionTime");
  status.erase("lastScaleTime");
  return status;
}

}  // namespace

json autoscaler_status(const Decision& d, const std::string& kind, const json& previous,
                       std::int64_t generation, const std::string& now) {
  json conditions = json::array();
  if (!d.conditions.empty()) {
    for (const auto& c : d.conditions)
      conditions.push_back(condition(c.type, c.status, c.reason, c.message));
  } else if (kind == "actuator_error") {
    conditions.push_back(condition("AbleToScale", "False", "FailedGetScale", d.reason));
  } else {
    conditions.push_back(condition("AbleToScale", "True", "SucceededGetScale",
                                   "the controller was able to get the target's current scale"));
    conditions.push_back(condition("ScalingActive", "False",
                                   kind == "stale" ? "StaleMetrics" : "FailedGetPodsMetric",
                                   d.reason));
  }
  if ((kind == "advise_up" || kind == "advise_down") && !d.conditions.empty()) {
    for (auto& c : conditions) {
      if (c["type"] == "AbleToScale" && c["reason"] == "SucceededRescale")
        c = condition("AbleToScale", "True", "AdvisoryOnly",
                      "advisory: desiredReplicas " + std::to_string(d.desired_replicas) +
                          " is for KEDA or an HPA to apply; the target's scale is not written");
    }
  }
  if (kind == "actuator_error" && !d.conditions.empty()) {
    for (auto& c : conditions) {
      if (c["type"] == "AbleToScale")
        c = condition("AbleToScale", "False", "FailedUpdateScale", d.reason);
    }
  }
  std::map<std::string, json> old;
  const json prev = previous.is_object() ? previous : json::object();
  for (const auto& c : prev.value("conditions", json::array())) old[c.value("type", "")] = c;
  for (auto& c : conditions) {
    auto it = old.find(c["type"]);
    c["lastTransitionTime"] = it != old.end() && it->second.value("status", "") == c["status"]
                                  ? it->second.value("lastTransitionTime", now)
                                  : now;
  }
  json s = {{"observedGeneration", generation},
            {"currentReplicas", d.current_replicas},
            {"desiredReplicas", d.desired_replicas},
            {"conditions", conditions}};
  if (kind == "scale_up" || kind == "scale_down") {
    s["lastScaleTime"] = now;
  } else if (prev.contains("lastScaleTime")) {
    s["lastScaleTime"] = prev["lastScaleTime"];
  }
  return s;
}

KubeWorld::KubeWorld(actuate::kube::KubeClient& client, Controller& controller, KubeWorldOptions o)
    : client_(client), controller_(controller), o_(std::move(o)) {}

KubeWorld::~KubeWorld() {
  stop();
}

void KubeWorld::say(const std::string& line) const {
  if (o_.log) o_.log(line);
}

Status KubeWorld::start(std::chrono::milliseconds limit) {
  const std::string scope = o_.namespace_name.empty() ? "" : "/namespaces/" + o_.namespace_name;
  actuate::kube::InformerOptions ao;
  ao.collection = "/apis/userscale.dev/v1alpha1" + scope + "/gpuautoscalers";
  ao.on_change = [this](const std::string&, const json&) { dirty_ = true; };
  autoscalers_ = std::make_unique<actuate::kube::Informer>(client_, ao);
  actuate::kube::InformerOptions po;
  po.collection = "/api/v1" + scope + "/pods";
  pods_ = std::make_unique<actuate::kube::Informer>(client_, po);
  autoscalers_->start();
  pods_->start();
  if (!autoscalers_->wait_synced(limit)) return Error{ao.collection, "cannot list GPUAutoscalers"};
  if (!pods_->wait_synced(limit)) return Error{po.collection, "cannot list pods"};
  if (o_.leader_elect) {
    LeaderElectionOptions lo = o_.leader;
    if (lo.identity.empty()) lo.identity = o_.identity;
    if (!lo.log) lo.log = o_.log;
    elector_ = std::make_unique<LeaderElector>(client_, lo);
    elector_->start();
  }
  return ok_status();
}

void KubeWorld::stop() {
  if (elector_) elector_->stop();
  if (autoscalers_) autoscalers_->stop();
  if (pods_) pods_->stop();
}

bool KubeWorld::leading() const {
  return !elector_ || elector_->is_leader();
}

std::size_t KubeWorld::active_targets() const {
  return by_target_.size();
}

std::unique_ptr<MetricSource> KubeWorld::make_source(const std::string& ns) const {
  if (o_.source == "prometheus") {
    PrometheusSourceOptions po;
    po.host = o_.prometheus_host;
    po.port = o_.prometheus_port;
    po.job = o_.prometheus_job;
    po.window = o_.window;
    po.cpu_request_cores = o_.cpu_request_cores;
    // In a cluster the DCGM exporter knows each pod's physical GPU (serve cannot see whether
    // its GPU is time-sliced with another pod).
    po.gpu_metrics = GpuMetrics::Dcgm;
    po.namespace_name = ns;
    return std::make_unique<PrometheusSource>(po);
  }
  ScrapeSourceOptions so;
  so.window = o_.window;
  so.cpu_request_cores = o_.cpu_request_cores;
  return std::make_unique<ScrapeSource>(so);
}

std::unique_ptr<MetricSource> KubeWorld::make_metrics_api_source(const Entry& e,
                                                                 const AutoscalerSpec& spec) const {
  KubeMetricsSourceOptions mo;
  mo.namespace_name = e.ns;
  const KubernetesActuator* actuator = e.actuator.get();
  mo.selector = [actuator] { return actuator->selector(); };
  mo.metrics = spec.metrics;
  mo.serving_metrics = spec.policy.name != "hpa";  // the hpa policy reads spec.metrics only
  mo.cpu_request_cores = o_.cpu_request_cores;
  return std::make_unique<KubeMetricsSource>(client_, pods_.get(), mo);
}

void KubeWorld::run(const std::atomic<bool>& stop) {
  RealClock clock;
  bool was_leading = false;
  while (!stop.load()) {
    if (dirty_.exchange(false)) sync_autoscalers();
    const bool lead = leading();
    if (lead != was_leading) {
      say(lead ? "acting on " + std::to_string(by_target_.size()) + " GPUAutoscalers"
               : "not the leader: watching only");
      was_leading = lead;
    }
    if (lead) {
      write_invalid_statuses();
      controller_.tick_due();
    }
    clock.wait_until(clock.now() + 0.1, stop);
  }
}

void KubeWorld::sync_autoscalers() {
  std::map<std::string, json> seen;
  for (auto& obj : autoscalers_->objects()) {
    const std::string key = actuate::kube::object_key(obj);  // before the move
    seen[key] = std::move(obj);
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto s = seen.find(it->first);
    if (s == seen.end() || watched_text(s->second) != it->second->spec_text) {
      const std::string key = it->first;
      ++it;
      drop(key);
    } else {
      ++it;
    }
  }
  for (const auto& [key, obj] : seen) {
    if (!entries_.count(key)) add(key, obj);
  }
}

void KubeWorld::write_invalid_statuses() {
  for (auto& [key, e] : entries_) {
    if (e->invalid.empty() || e->invalid_written) continue;
    json status = e->status;
    status["observedGeneration"] = e->generation;
    json c = condition("ScalingActive", "False", "InvalidSpec", e->invalid);
    c["lastTransitionTime"] = now_text();
    status["conditions"] = json::array({c});
    write_status(*e, status);
    e->invalid_written = true;
  }
}

void KubeWorld::drop(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (!it->second->target.empty()) {
    controller_.remove_target(it->second->target);
    by_target_.erase(it->second->target);
  }
  entries_.erase(it);
}

void KubeWorld::add(const std::string& key, const json& obj) {
  auto e = std::make_unique<Entry>();
  e->key = key;
  const json md = obj.value("metadata", json::object());
  e->ns = md.value("namespace", "default");
  e->name = md.value("name", "");
  e->uid = md.value("uid", "");
  e->generation = md.value("generation", 0);
  e->spec_text = watched_text(obj);
  e->status = obj.value("status", json::object());
  Entry& entry = *e;
  entries_[key] = std::move(e);

  auto invalid = [&](const std::string& why) {
    say("GPUAutoscaler " + key + " not acted on: " + why);
    entry.invalid = why;
  };
  auto parsed = parse_gpu_autoscaler_yaml(as_written(obj).dump());
  if (!parsed.ok()) {
    std::string why;
    for (const auto& err : parsed.errors()) why += (why.empty() ? "" : "; ") + err.to_string();
    invalid(why);
    return;
  }
  const GpuAutoscaler& ga = parsed.value();
  const json annotations = md.value("annotations", json::object());
  const std::string mode = annotations.is_object() && annotations.contains(kModeAnnotation) &&
                                   annotations[kModeAnnotation].is_string()
                               ? annotations[kModeAnnotation].get<std::string>()
                               : (o_.advisory ? "advisory" : "actuate");
  if (mode != "advisory" && mode != "actuate") {
    invalid(std::string("metadata.annotations[") + kModeAnnotation +
            "]: must be advisory or actuate (got \"" + mode + "\")");
    return;
  }
  entry.advisory = mode == "advisory";
  HpaSettings settings;
  auto policy = make_policy(ga.spec, settings);
  if (!policy.ok()) {
    invalid(policy.error().to_string());
    return;
  }
  KubeTargetRef ref{entry.ns, ga.spec.scale_target_ref.api_version, ga.spec.scale_target_ref.kind,
                    ga.spec.scale_target_ref.name};
  if (auto p = scale_path(ref); !p.ok()) {
    invalid(p.error().to_string());
    return;
  }
  const std::string target = entry.ns + "/" + ref.name;
  if (by_target_.count(target)) {
    invalid("the target " + target + " is already scaled by GPUAutoscaler " + by_target_[target]);
    return;
  }
  entry.actuator = std::make_unique<KubernetesActuator>(client_, *pods_, ref);
  entry.source =
      o_.source == "metrics-api" ? make_metrics_api_source(entry, ga.spec) : make_source(entry.ns);
  entry.target = target;
  by_target_[target] = key;
  TargetSetup t;
  t.name = target;
  t.spec = ga.spec;
  t.settings = settings;
  t.policy = std::move(policy).value();
  t.source = entry.source.get();
  t.actuator = entry.actuator.get();
  t.advisory = entry.advisory;
  if (entry.advisory) say("GPUAutoscaler " + key + " is advisory: its /scale is never written");
  controller_.add_target(std::move(t));
}

void KubeWorld::on_decision(const std::string& target, const Decision& d, const std::string& kind) {
  auto t = by_target_.find(target);
  if (t == by_target_.end()) return;
  auto it = entries_.find(t->second);
  if (it == entries_.end()) return;
  Entry& e = *it->second;
  const std::string now = now_text();
  // advise_up / advise_down (advisory mode) are not scale_*: no lastScaleTime, no event.
  write_status(e, autoscaler_status(d, kind, e.status, e.generation, now));
  if (kind == "scale_up" || kind == "scale_down") {
    post_event(e, "SuccessfulRescale",
               "New size: " + std::to_string(d.desired_replicas) + "; reason: " + d.reason,
               "Normal");
  } else if (kind == "actuator_error" && d.rescale) {
    post_event(e, "FailedRescale",
               "New size: " + std::to_string(d.desired_replicas) + "; reason: " + d.reason,
               "Warning");
  }
}

void KubeWorld::write_status(Entry& e, json status) {
  if (!e.status.is_null() && bare(e.status) == bare(status) &&
      e.status.value("lastScaleTime", "") == status.value("lastScaleTime", "")) {
    return;  // unchanged: no write (1,000 objects must not cost 200 writes a second)
  }
  const std::string path = status_path(e.ns, e.name);
  auto r =
      client_.call("PATCH", path, json{{"status", status}}.dump(), "application/merge-patch+json");
  if (!r.ok() || r->status != 200) {
    say("cannot write the status of " + e.key + ": " +
        (r.ok() ? actuate::kube::api_error(*r, path).to_string() : r.error().to_string()));
    return;
  }
  e.status = std::move(status);
}

void KubeWorld::post_event(const Entry& e, const std::string& reason, const std::string& message,
                           const std::string& type) {
  const std::string now = now_text();
  json ev = {{"apiVersion", "v1"},
             {"kind", "Event"},
             {"metadata", {{"generateName", e.name + "."}, {"namespace", e.ns}}},
             {"involvedObject",
              {{"apiVersion", "userscale.dev/v1alpha1"},
               {"kind", "GPUAutoscaler"},
               {"name", e.name},
               {"namespace", e.ns},
               {"uid", e.uid}}},
             {"reason", reason},
             {"message", message},
             {"type", type},
             {"source", {{"component", "userscale"}}},
             {"reportingComponent", "userscale"},
             {"reportingInstance", o_.identity},
             {"firstTimestamp", now},
             {"lastTimestamp", now},
             {"count", 1}};
  const std::string path = "/api/v1/namespaces/" + e.ns + "/events";
  auto r = client_.call("POST", path, ev.dump(), "application/json");
  if (!r.ok() || r->status != 201) {
    say("cannot post an event for " + e.key + ": " +
        (r.ok() ? actuate::kube::api_error(*r, path).to_string() : r.error().to_string()));
  }
}

}  // namespace userscale::controller
