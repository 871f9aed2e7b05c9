#include "controller/kube_actuator.h"

#include "core/labels.h"
#include "core/timefmt.h"

namespace userscale::controller {
using nlohmann::json;

namespace {

std::string port_of(const json& pod) {
  const json ann = pod["metadata"].value("annotations", json::object());
  if (ann.contains(kMetricsPortAnnotation)) return ann[kMetricsPortAnnotation].get<std::string>();
  std::string first;
  for (const auto& c : pod.value("spec", json::object()).value("containers", json::array())) {
    for (const auto& p : c.value("ports", json::array())) {
      const std::string port = std::to_string(p.value("containerPort", 0));
      if (p.value("name", "") == "metrics") return port;
      if (first.empty()) first = port;
    }
  }
  return first;
}

bool ready(const json& status) {
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

}  // namespace

Result<std::string> scale_path(const KubeTargetRef& t) {
  static const std::map<std::string, std::string> kPlural = {{"Deployment", "deployments"},
                                                             {"StatefulSet", "statefulsets"},
                                                             {"ReplicaSet", "replicasets"}};
  auto it = kPlural.find(t.kind);
  if (it == kPlural.end() || t.api_version != "apps/v1") {
    return Error{"spec.scaleTargetRef", "cannot scale " + t.api_version + " " + t.kind +
                                            " (apps/v1 Deployment, StatefulSet or ReplicaSet)"};
  }
  return "/apis/apps/v1/namespaces/" + t.namespace_name + "/" + it->second + "/" + t.name +
         "/scale";
}

std::optional<ReplicaView> replica_of_pod(const json& pod) {
  const json& md = pod["metadata"];
  const json status = pod.value("status", json::object());
  const std::string phase = status.value("phase", "Pending");
  if (phase == "Succeeded" || phase == "Failed") return std::nullopt;
  ReplicaView r;
  r.name = md.value("name", "");
  if (md.contains("deletionTimestamp")) {
    r.phase = ReplicaPhase::Terminating;
  } else if (phase == "Running") {
    r.phase = ready(status) ? ReplicaPhase::Ready : ReplicaPhase::Starting;
  } else {
    r.phase = ReplicaPhase::Pending;
  }
  if (status.contains("startTime"))
    r.started = parse_rfc3339(status["startTime"].get<std::string>());
  const std::string ip = status.value("podIP", "");
  const std::string port = port_of(pod);
  if (!ip.empty() && !port.empty()) r.address = ip + ":" + port;
  const json ann = md.value("annotations", json::object());
  if (ann.contains(kGpuUuidAnnotation)) r.gpu = ann[kGpuUuidAnnotation].get<std::string>();
  return r;
}

KubernetesActuator::KubernetesActuator(actuate::kube::KubeClient& client,
                                       actuate::kube::Informer& pods, KubeTargetRef target,
                                       int conflict_attempts)
    : client_(client),
      pods_(pods),
      target_(std::move(target)),
      conflict_attempts_(conflict_attempts) {
  auto p = scale_path(target_);
  path_ = p.ok() ? *p : "";
}

std::string KubernetesActuator::selector() const {
  std::lock_guard lock(mu_);
  return selector_;
}

Result<json> KubernetesActuator::get_scale() {
  if (path_.empty()) return scale_path(target_).error();
  auto r = client_.call("GET", path_);
  if (!r.ok()) return r.error();
  if (r->status != 200) return actuate::kube::api_error(*r, "GET " + path_);
  try {
    json scale = json::parse(r->body);
    std::lock_guard lock(mu_);
    resource_version_ = scale["metadata"].value("resourceVersion", "");
    selector_ = scale.value("status", json::object()).value("selector", "");
    return scale;
  } catch (const json::exception& e) {
    return Error{"GET " + path_, std::string("not a Scale: ") + e.what()};
  }
}

Result<ActuatorState> KubernetesActuator::state() {
  auto scale = get_scale();
  if (!scale.ok()) return scale.error();
  ActuatorState st;
  st.desired = (*scale)["spec"].value("replicas", 0);
  st.current = scale->value("status", json::object()).value("replicas", 0);
  const std::string sel = selector();
  auto reqs = parse_selector_string(sel);
  if (sel.empty() || !reqs) {
    return Error{"GET " + path_, "the Scale has no usable status.selector (\"" + sel + "\")"};
  }
  pods_.for_each([&](const json& pod) {
    const json& md = pod["metadata"];
    if (md.value("namespace", "") != target_.namespace_name) return;
    Labels labels;
    const json pod_labels = md.value("labels", json::object());
    for (const auto& [k, v] : pod_labels.items()) labels[k] = v.get<std::string>();
    for (const auto& q : *reqs) {
      if (!requirement_matches(q, labels)) return;
    }
    if (auto r = replica_of_pod(pod)) {
      if (r->phase == ReplicaPhase::Ready) st.ready++;
      st.replicas.push_back(std::move(*r));
    }
  });
  return st;
}

Status KubernetesActuator::scale(std::int32_t replicas) {
  if (path_.empty()) return scale_path(target_).error();
  std::string last;
  for (int attempt = 0; attempt < std::max(1, conflict_attempts_); ++attempt) {
    std::string rv;
    {
      std::lock_guard lock(mu_);
      rv = resource_version_;
    }
    json patch = {{"spec", {{"replicas", replicas}}}};
    if (!rv.empty()) patch["metadata"] = {{"resourceVersion", rv}};
    auto r = client_.call("PATCH", path_, patch.dump(), "application/merge-patch+json");
    if (!r.ok()) return r.error();
    if (r->status == 200) {
      try {
        std::lock_guard lock(mu_);
        resource_version_ = json::parse(r->body)["metadata"].value("resourceVersion", "");
      } catch (const json::exception&) {
      }
      return ok_status();
    }
    if (r->status != 409) return actuate::kube::api_error(*r, "PATCH " + path_);
    last = actuate::kube::api_error(*r, "PATCH " + path_).to_string();
    auto fresh = get_scale();  // someone else changed the workload: read it again and retry
    if (!fresh.ok()) return fresh.error();
  }
  return Error{"PATCH " + path_, "still conflicting after " + std::to_string(conflict_attempts_) +
                                     " attempts: " + last};
}

}  // namespace userscale::controller
