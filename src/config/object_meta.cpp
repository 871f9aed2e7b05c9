#include "config/object_meta.h"

#include "config/k8s_names.h"
#include "config/k8s_objects_yaml.h"

namespace userscale {

ObjectMeta read_object_meta(const YAML::Node& node, const std::string& path, ErrorList& errors) {
  MapReader r(
      node, path,
      {"name", "namespace", "labels", "annotations",
       // Set by the API server; ignored.
       "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
       "deletionGracePeriodSeconds", "managedFields", "ownerReferences", "finalizers", "selfLink"},
      errors);
  ObjectMeta meta;
  if (auto name = r.string("name", Need::kRequired)) {
    if (auto reason = check_dns1123_subdomain(*name)) r.add_error("name", *reason);
    meta.name = *name;
  }
  if (auto ns = r.string("namespace")) {
    if (auto reason = ns->empty() ? std::nullopt : check_dns1123_label(*ns)) {
      r.add_error("namespace", *reason);
    }
    meta.namespace_name = *ns;
  }
  if (auto labels = r.node("labels")) {
    meta.labels = read_labels(*labels, r.path_of("labels"), errors);
  }
  if (auto annotations = r.node("annotations")) {
    meta.annotations =
        read_string_map(*annotations, r.path_of("annotations"), errors, check_qualified_name, {});
  }
  return meta;
}

}  // namespace userscale
