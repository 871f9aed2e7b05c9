// The fake API server's objects: CRUD with resourceVersions and the watch history, the scale
// and status subresources, the deployment controller, discovery, and the test-side accessors.
#include <ctime>

#include <algorithm>
#include <sstream>

#include "core/labels.h"
#include "support/fake_apiserver.h"
#include "support/fake_apiserver_route.h"

namespace userscale::testing {
using nlohmann::json;

namespace {

std::string split_collection(const std::string& key, std::string& ns, std::string& name) {
  // key: group/plural/ns/name
  const std::size_t a = key.find('/');
  const std::size_t b = key.find('/', a + 1);
  const std::size_t c = key.find('/', b + 1);
  ns = key.substr(b + 1, c - b - 1);
  name = key.substr(c + 1);
  return key.substr(0, b);
}

std::string selector_string(const json& match_labels) {
  std::string out;
  for (const auto& [k, v] : match_labels.items()) {
    if (!out.empty()) out += ",";
    out += k + "=" + v.get<std::string>();
  }
  return out;
}

json scale_of(const json& d) {
  const json& md = d["metadata"];
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata",
           {{"name", md["name"]},
            {"namespace", md["namespace"]},
            {"uid", md["uid"]},
            {"resourceVersion", md["resourceVersion"]},
            {"creationTimestamp", md["creationTimestamp"]}}},
          {"spec", {{"replicas", d["spec"].value("replicas", 1)}}},
          {"status",
           {{"replicas", d.contains("status") ? d["status"].value("replicas", 0) : 0},
            {"selector",
             selector_string(d["spec"]["selector"].value("matchLabels", json::object()))}}}};
}

// Applies a PATCH body by its content type; false when the type is not supported.
bool apply_patch(json& target, const std::string& content_type, const json& patch) {
  if (content_type.find("json-patch+json") != std::string::npos) {
    target = target.patch(patch);
    return true;
  }
  if (content_type.find("merge-patch+json") != std::string::npos ||
      content_type.find("strategic-merge-patch+json") != std::string::npos ||
      content_type.find("apply-patch") != std::string::npos) {
    target.merge_patch(patch);
    return true;
  }
  return false;
}

}  // namespace

json FakeApiServer::put_locked(const std::string& key, json obj, const char* type) {
  obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
  objects_[key] = obj;
  std::string ns, name;
  const std::string collection = split_collection(key, ns, name);
  history_.push_back({rv_, type, collection, ns, obj});
  changed_.notify_all();
  if (collection == "apps/deployments" && o_.run_deployments && std::string(type) != "DELETED") {
    reconcile_deployment_locked(key);
    return objects_[key];
  }
  return obj;
}

void FakeApiServer::remove_locked(const std::string& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  json obj = it->second;
  objects_.erase(it);
  obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
  std::string ns, name;
  const std::string collection = split_collection(key, ns, name);
  history_.push_back({rv_, "DELETED", collection, ns, obj});
  changed_.notify_all();
}

void FakeApiServer::reconcile_deployment_locked(const std::string& key) {
  json d = objects_[key];
  const std::string ns = d["metadata"]["namespace"];
  const std::string name = d["metadata"]["name"];
  const int want = d["spec"].value("replicas", 1);
  const std::string prefix = "/pods/" + ns + "/" + name + "-";
  std::vector<std::string> owned;
  for (const auto& [k, o] : objects_) {
    if (k.rfind(prefix, 0) == 0) owned.push_back(k);
  }
  int& next = next_pod_[key];
  const json& tmpl = d["spec"]["template"];
  while (static_cast<int>(owned.size()) < want) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%05d", next++);
    const std::string pod_name = name + "-" + suffix;
    json pod = {{"kind", "Pod"},
                {"apiVersion", "v1"},
                {"metadata",
                 {{"name", pod_name},
                  {"namespace", ns},
                  {"uid", "uid-" + std::to_string(++uid_)},
                  {"creationTimestamp", fake_timestamp()},
                  {"labels", tmpl["metadata"].value("labels", json::object())},
                  {"annotations", tmpl["metadata"].value("annotations", json::object())},
                  {"ownerReferences", json::array({{{"apiVersion", "apps/v1"},
                                                    {"kind", "ReplicaSet"},
                                                    {"name", name + "-rs"},
                                                    {"uid", d["metadata"]["uid"]},
                                                    {"controller", true}}})}}},
                {"spec", tmpl.value("spec", json::object())},
                {"status",
                 {{"phase", "Running"},
                  {"podIP", o_.pod_ip},
                  {"hostIP", "10.0.0.1"},
                  {"startTime", fake_timestamp()},
                  {"conditions", json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                              {{"type", "Initialized"}, {"status", "True"}},
                                              {{"type", "ContainersReady"}, {"status", "True"}},
                                              {{"type", "Ready"}, {"status", "True"}}})}}}};
    pod["spec"]["nodeName"] = "fake-node";
    const std::string pod_key = "/pods/" + ns + "/" + pod_name;
    put_locked(pod_key, pod, "ADDED");
    owned.push_back(pod_key);
  }
  std::sort(owned.begin(), owned.end());
  while (static_cast<int>(owned.size()) > want) {
    remove_locked(owned.back());
    owned.pop_back();
  }
  d["status"] = {{"observedGeneration", d["metadata"].value("generation", 1)},
                 {"replicas", want},
                 {"updatedReplicas", want},
                 {"readyReplicas", want},
                 {"availableReplicas", want}};
  if (d != objects_[key]) {
    d["metadata"]["resourceVersion"] = std::to_string(++rv_);
    objects_[key] = d;
    history_.push_back({rv_, "MODIFIED", "apps/deployments", ns, d});
    changed_.notify_all();
  }
}

FakeApiServer::Answer FakeApiServer::dispatch(const Route& r) {
  if (r.group == "metrics.k8s.io" || r.group == "custom.metrics.k8s.io" ||
      r.group == "external.metrics.k8s.io") {
    return metrics_api(r);
  }
  if (!r.is_resource) return discovery(r);
  const FakeKind* k = fake_kind(r.group, r.plural);
  std::lock_guard lock(mu_);
  const std::string key = r.key();
  const std::string what = std::string(k->plural) + " \"" + r.name + "\"";
  auto not_found = [&] {
    return Answer{404, fake_status(404, "NotFound", what + " not found"), {}};
  };
  json body;
  if (!r.body.empty()) {
    try {
      body = json::parse(r.body);
    } catch (const json::exception& e) {
      return {400, fake_status(400, "BadRequest", std::string("invalid JSON: ") + e.what()), {}};
    }
  }
  if (r.name.empty()) {
    if (r.method == "GET") {
      json items = json::array();
      const std::string selector =
          r.query.count("labelSelector") ? r.query.at("labelSelector") : "";
      for (const auto& [key2, o] : objects_) {
        std::string ns, name;
        if (split_collection(key2, ns, name) != r.collection()) continue;
        if (!r.ns.empty() && ns != r.ns) continue;
        auto reqs = parse_selector_string(selector);
        if (!reqs) return {400, fake_status(400, "BadRequest", "unable to parse requirement"), {}};
        Labels l;
        const json labels = o["metadata"].value("labels", json::object());
        for (const auto& [lk, lv] : labels.items()) l[lk] = lv.get<std::string>();
        bool ok = true;
        for (const auto& q : *reqs) ok = ok && requirement_matches(q, l);
        if (ok) items.push_back(o);
      }
      return {200,
              {{"kind", k->list_kind},
               {"apiVersion", fake_api_version(*k)},
               {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
               {"items", items}},
              {}};
    }
    if (r.method == "POST") {
      if (!body.is_object())
        return {400, fake_status(400, "BadRequest", "body must be an object"), {}};
      json& md = body["metadata"];
      std::string name = md.value("name", "");
      if (name.empty() && md.contains("generateName")) {
        name = md["generateName"].get<std::string>() + std::to_string(++uid_);
        md["name"] = name;
      }
      if (name.empty())
        return {422, fake_status(422, "Invalid", "metadata.name: Required value"), {}};
      const std::string new_key = r.collection() + "/" + r.ns + "/" + name;
      if (objects_.count(new_key)) {
        return {409,
                fake_status(409, "AlreadyExists",
                            std::string(k->plural) + " \"" + name + "\" already exists"),
                {}};
      }
      md["namespace"] = r.ns;
      md["uid"] = "uid-" + std::to_string(++uid_);
      md["creationTimestamp"] = fake_timestamp();
      md["generation"] = 1;
      body["kind"] = k->kind;
      body["apiVersion"] = fake_api_version(*k);
      return {201, put_locked(new_key, body, "ADDED"), {}};
    }
    return {405, fake_status(405, "MethodNotAllowed", "method not allowed"), {}};
  }
  auto it = objects_.find(key);
  if (it == objects_.end()) return not_found();
  json current = it->second;
  const std::string current_rv = current["metadata"]["resourceVersion"];
  auto conflict = [&] {
    return Answer{
        409,
        fake_status(409, "Conflict",
                    "Operation cannot be fulfilled on " + what +
                        ": the object has been modified; please apply your changes to the "
                        "latest version and try again"),
        {}};
  };
  const bool scale = r.sub == "scale" && r.collection() == "apps/deployments";
  if (!r.sub.empty() && !scale && r.sub != "status") return not_found();
  if (r.method == "GET") return {200, scale ? scale_of(current) : current, {}};
  if (r.method == "DELETE") {
    remove_locked(key);
    return {200, current, {}};
  }
  if (r.method != "PUT" && r.method != "PATCH") {
    return {405, fake_status(405, "MethodNotAllowed", "method not allowed"), {}};
  }
  const std::string asked_rv =
      body.is_object() && body.contains("metadata") && body["metadata"].contains("resourceVersion")
          ? body["metadata"]["resourceVersion"].get<std::string>()
          : "";
  if (!asked_rv.empty() && asked_rv != current_rv) return conflict();
  if (r.method == "PUT" && asked_rv.empty() && r.collection() == "coordination.k8s.io/leases") {
    return {
        422,
        fake_status(422, "Invalid", "metadata.resourceVersion: must be specified for an update"),
        {}};
  }
  json view = scale ? scale_of(current) : current;
  if (r.method == "PUT") {
    view = body;
  } else {
    try {
      if (!apply_patch(view, r.content_type, body)) {
        return {415,
                fake_status(415, "UnsupportedMediaType",
                            "the body of the request was in an unknown format"),
                {}};
      }
    } catch (const json::exception& e) {
      return {422, fake_status(422, "Invalid", e.what()), {}};
    }
  }
  json next = current;
  if (scale) {
    if (!view["spec"].contains("replicas") || !view["spec"]["replicas"].is_number_integer() ||
        view["spec"]["replicas"].get<int>() < 0) {
      return {
          422, fake_status(422, "Invalid", "spec.replicas: must be a non-negative integer"), {}};
    }
    next["spec"]["replicas"] = view["spec"]["replicas"];
  } else if (r.sub == "status") {
    next["status"] = view.value("status", json::object());
  } else {
    next = view;
    next["metadata"]["uid"] = current["metadata"]["uid"];
    next["metadata"]["creationTimestamp"] = current["metadata"]["creationTimestamp"];
    next["metadata"]["namespace"] = r.ns;
    next["kind"] = k->kind;
    next["apiVersion"] = fake_api_version(*k);
    if (current.contains("status") && r.collection() != "coordination.k8s.io/leases")
      next["status"] = current["status"];
  }
  if (next.contains("spec") && current.contains("spec") && next["spec"] != current["spec"]) {
    next["metadata"]["generation"] = current["metadata"].value("generation", 1) + 1;
  }
  json stored = put_locked(key, next, "MODIFIED");
  return {200, scale ? scale_of(stored) : stored, {}};
}

FakeApiServer::Answer FakeApiServer::discovery(const Route& r) const {
  if (r.method != "GET")
    return {405, fake_status(405, "MethodNotAllowed", "method not allowed"), {}};
  if (r.path == "/version") {
    return {200,
            {{"major", "1"},
             {"minor", "32"},
             {"gitVersion", "v1.32.0-fake"},
             {"platform", "linux/amd64"}},
            {}};
  }
  if (r.path == "/api") {
    return {200,
            {{"kind", "APIVersions"},
             {"versions", {"v1"}},
             {"serverAddressByClientCIDRs",
              json::array({{{"clientCIDR", "0.0.0.0/0"},
                            {"serverAddress", "127.0.0.1:" + std::to_string(port_)}}})}},
            {}};
  }
  auto resources_of = [](const std::string& group, const std::string& version) {
    json list = json::array();
    for (const auto& k : kFakeKinds) {
      if (group != k.group || version != k.version) continue;
      json verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
      list.push_back({{"name", k.plural},
                      {"singularName", ""},
                      {"namespaced", true},
                      {"kind", k.kind},
                      {"verbs", verbs}});
      if (std::string(k.plural) == "deployments") {
        list.push_back({{"name", "deployments/scale"},
                        {"singularName", ""},
                        {"namespaced", true},
                        {"group", "autoscaling"},
                        {"version", "v1"},
                        {"kind", "Scale"},
                        {"verbs", {"get", "patch", "update"}}});
      }
      if (std::string(k.plural) != "pods" && std::string(k.plural) != "events") {
        list.push_back({{"name", std::string(k.plural) + "/status"},
                        {"singularName", ""},
                        {"namespaced", true},
                        {"kind", k.kind},
                        {"verbs", {"get", "patch", "update"}}});
      }
    }
    return list;
  };
  if (r.path == "/api/v1") {
    return {200,
            {{"kind", "APIResourceList"},
             {"groupVersion", "v1"},
             {"resources", resources_of("", "v1")}},
            {}};
  }
  json groups = json::array();
  for (const auto& k : kFakeKinds) {
    if (std::string(k.group).empty()) continue;
    const std::string gv = fake_api_version(k);
    if (r.path == "/apis/" + gv) {
      return {200,
              {{"kind", "APIResourceList"},
               {"apiVersion", "v1"},
               {"groupVersion", gv},
               {"resources", resources_of(k.group, k.version)}},
              {}};
    }
    bool seen = false;
    for (const auto& g : groups) seen = seen || g["name"] == k.group;
    if (!seen) {
      json v = {{"groupVersion", gv}, {"version", k.version}};
      groups.push_back(
          {{"name", k.group}, {"versions", json::array({v})}, {"preferredVersion", v}});
    }
  }
  if (r.path == "/apis") {
    for (const auto& g : metrics_api_groups()) groups.push_back(g);
    return {200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}}, {}};
  }
  return {
      404, fake_status(404, "NotFound", "the server could not find the requested resource"), {}};
}

json FakeApiServer::create(json object) {
  const std::string av = object.value("apiVersion", "");
  const std::string kind = object.value("kind", "");
  for (const auto& k : kFakeKinds) {
    if (fake_api_version(k) != av || kind != k.kind) continue;
    std::lock_guard lock(mu_);
    json& md = object["metadata"];
    const std::string ns = md.value("namespace", "default");
    md["namespace"] = ns;
    md["uid"] = "uid-" + std::to_string(++uid_);
    md["creationTimestamp"] = fake_timestamp();
    if (!md.contains("generation")) md["generation"] = 1;
    const std::string key =
        std::string(k.group) + "/" + k.plural + "/" + ns + "/" + md.value("name", "");
    return put_locked(key, object, objects_.count(key) ? "MODIFIED" : "ADDED");
  }
  throw std::invalid_argument("fake apiserver: unknown kind " + av + " " + kind);
}

std::optional<json> FakeApiServer::get(const std::string& path) const {
  // /api/v1/namespaces/NS/PLURAL/NAME or /apis/G/V/namespaces/NS/PLURAL/NAME
  std::vector<std::string> p;
  std::stringstream ps(path);
  for (std::string s; std::getline(ps, s, '/');) {
    if (!s.empty()) p.push_back(s);
  }
  std::string key;
  if (p.size() == 6 && p[0] == "api") key = "/" + p[4] + "/" + p[3] + "/" + p[5];
  if (p.size() == 7 && p[0] == "apis") key = p[1] + "/" + p[5] + "/" + p[4] + "/" + p[6];
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<json> FakeApiServer::list(const std::string& collection_path) const {
  std::vector<std::string> p;
  std::stringstream ps(collection_path);
  for (std::string s; std::getline(ps, s, '/');) {
    if (!s.empty()) p.push_back(s);
  }
  std::string prefix;
  if (p.size() == 5 && p[0] == "api") prefix = "/" + p[4] + "/" + p[3] + "/";
  if (p.size() == 6 && p[0] == "apis") prefix = p[1] + "/" + p[5] + "/" + p[4] + "/";
  std::vector<json> out;
  std::lock_guard lock(mu_);
  for (const auto& [k, o] : objects_) {
    if (!prefix.empty() && k.rfind(prefix, 0) == 0) out.push_back(o);
  }
  return out;
}

void FakeApiServer::set_replicas(const std::string& ns, const std::string& name, int replicas) {
  std::lock_guard lock(mu_);
  const std::string key = "apps/deployments/" + ns + "/" + name;
  json d = objects_.at(key);
  d["spec"]["replicas"] = replicas;
  d["metadata"]["generation"] = d["metadata"].value("generation", 1) + 1;
  put_locked(key, d, "MODIFIED");
}

void FakeApiServer::compact() {
  std::lock_guard lock(mu_);
  compacted_ = ++rv_;  // every version a client has seen is now too old
  ++compactions_;
  history_.clear();
  changed_.notify_all();
}

std::int64_t FakeApiServer::resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

void FakeApiServer::set_text(const std::string& path, const std::string& body) {
  std::lock_guard lock(mu_);
  if (body.empty()) {
    texts_.erase(path);
  } else {
    texts_[path] = body;
  }
}

void FakeApiServer::inject(FakeFault f) {
  std::lock_guard lock(mu_);
  faults_.push_back(std::move(f));
}

void FakeApiServer::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

std::vector<LoggedRequest> FakeApiServer::requests() const {
  std::lock_guard lock(mu_);
  return log_;
}

int FakeApiServer::count(const std::string& method, const std::string& path_contains) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& r : log_) {
    if ((method.empty() || r.method == method) && r.path.find(path_contains) != std::string::npos)
      ++n;
  }
  return n;
}

json FakeApiServer::deployment(const std::string& ns, const std::string& name, int replicas,
                               int metrics_port,
                               const std::map<std::string, std::string>& annotations) {
  json ann = json::object();
  for (const auto& [k, v] : annotations) ann[k] = v;
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", name}}}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}, {"annotations", ann}}},
          {"spec",
           {{"containers", json::array({{{"name", "serve"},
                                         {"image", "userscale:latest"},
                                         {"ports", json::array({{{"name", "metrics"},
                                                                 {"containerPort", metrics_port},
                                                                 {"protocol", "TCP"}}})}}})}}}}}}}};
}

}  // namespace userscale::testing
