// The fake API server's internals shared by its two files: the kinds it serves and a parsed
// request (the API path split into group, version, namespace, resource, name, subresource).
#pragma once

#include <map>
#include <string>

#include "support/fake_apiserver.h"

namespace userscale::testing {

struct FakeKind {
  const char* group;
  const char* version;
  const char* plural;
  const char* kind;
  const char* list_kind;
};
inline constexpr FakeKind kFakeKinds[] = {
    {"", "v1", "pods", "Pod", "PodList"},
    {"", "v1", "events", "Event", "EventList"},
    {"apps", "v1", "deployments", "Deployment", "DeploymentList"},
    {"userscale.dev", "v1alpha1", "gpuautoscalers", "GPUAutoscaler", "GPUAutoscalerList"},
    {"coordination.k8s.io", "v1", "leases", "Lease", "LeaseList"},
};

inline const FakeKind* fake_kind(const std::string& group, const std::string& plural) {
  for (const auto& k : kFakeKinds) {
    if (group == k.group && plural == k.plural) return &k;
  }
  return nullptr;
}

inline std::string fake_api_version(const FakeKind& k) {
  return std::string(k.group).empty() ? k.version : std::string(k.group) + "/" + k.version;
}

struct FakeApiServer::Route {
  std::string method, path, query_text, body, content_type, authorization;
  std::map<std::string, std::string> query;
  bool is_resource = false;
  const FakeKind* res = nullptr;
  std::string group, version, ns, plural, name, sub;
  std::string collection() const { return group + "/" + plural; }
  std::string key() const { return collection() + "/" + ns + "/" + name; }
  std::string param(const std::string& k) const {
    auto it = query.find(k);
    return it == query.end() ? "" : it->second;
  }
  bool is_watch() const { return param("watch") == "1" || param("watch") == "true"; }
};

}  // namespace userscale::testing
