#include "controller/dcgm_mapping.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace userscale::controller {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::string label(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

// Per GPU: the value of `series` (the largest when several pods' copies disagree, so that a
// saturated GPU never reads lighter than it is).
std::map<std::string, double> by_uuid(const std::vector<metrics::PromSeries>& series) {
  std::map<std::string, double> out;
  for (const auto& s : series) {
    const std::string uuid = label(s.labels, "UUID");
    if (uuid.empty() || !std::isfinite(s.value) || s.value < 0) continue;
    auto [it, fresh] = out.emplace(uuid, s.value);
    if (!fresh) it->second = std::max(it->second, s.value);
  }
  return out;
}

std::optional<double> find(const std::map<std::string, double>& m, const std::string& uuid) {
  auto it = m.find(uuid);
  return it == m.end() ? std::nullopt : std::optional<double>(it->second);
}

}  // namespace

std::optional<DcgmPod> dcgm_pod_of(const std::map<std::string, std::string>& labels) {
  // exported_* first: when present, `pod` and `namespace` are the scrape target's (the
  // exporter's own pod), not the GPU's.
  for (const auto& [pod_key, ns_key] :
       {std::pair{"exported_pod", "exported_namespace"}, std::pair{"pod", "namespace"},
        std::pair{"pod_name", "pod_namespace"}}) {
    const std::string pod = label(labels, pod_key);
    if (!pod.empty()) return DcgmPod{label(labels, ns_key), pod};
  }
  return std::nullopt;
}

DcgmMapping map_dcgm(const std::string& ns, const std::vector<std::string>& pods,
                     const DcgmSeries& series) {
  const std::set<std::string> ours(pods.begin(), pods.end());
  const auto util = by_uuid(series.util), used = by_uuid(series.fb_used),
             free = by_uuid(series.fb_free);
  struct Gpu {
    GpuInfo info;
    bool ours = false;
  };
  std::map<std::string, Gpu> gpus;
  DcgmMapping out;
  for (const auto& s : series.util) {
    const std::string uuid = label(s.labels, "UUID");
    if (uuid.empty()) continue;
    Gpu& g = gpus[uuid];
    if (g.info.uuid.empty()) {
      g.info.uuid = uuid;
      g.info.model = label(s.labels, "modelName");
      g.info.utilization = find(util, uuid);
      g.info.memory_used_bytes = find(used, uuid);
      if (g.info.memory_used_bytes) *g.info.memory_used_bytes *= kMiB;
      if (auto u = find(used, uuid), f = find(free, uuid); u && f) {
        g.info.memory_total_bytes = (*u + *f) * kMiB;
      }
      g.info.sample_time = s.timestamp;
    }
    const auto pod = dcgm_pod_of(s.labels);
    if (!pod) continue;
    // A series without a namespace (a relabelling that dropped it) is taken by name.
    const bool same_ns = pod->ns.empty() || pod->ns == ns;
    const std::string name = same_ns ? pod->name : pod->ns + "/" + pod->name;
    if (std::find(g.info.pods.begin(), g.info.pods.end(), name) == g.info.pods.end()) {
      g.info.pods.push_back(name);
    }
    if (!same_ns || !ours.count(pod->name)) continue;
    g.ours = true;
    out.pods[pod->name] = DcgmPodGpu{uuid, g.info.utilization, g.info.memory_used_bytes};
  }
  for (auto& [uuid, g] : gpus) {
    if (!g.ours) continue;  // the exporter lists every GPU of the node; only ours matter
    std::sort(g.info.pods.begin(), g.info.pods.end());
    out.gpus.push_back(std::move(g.info));
  }
  return out;
}

DcgmQueries dcgm_queries(const std::string& ns) {
  const std::string u = kDcgmUtil;
  const std::string in_ns = "(" + u + "{namespace=\"" + ns + "\"} or " + u +
                            "{exported_namespace=\"" + ns + "\"} or " + u + "{pod_namespace=\"" +
                            ns + "\"})";
  auto of_our_gpus = [&](const std::string& metric) { return metric + " and on (UUID) " + in_ns; };
  return {of_our_gpus(kDcgmUtil), of_our_gpus(kDcgmFbUsed), of_our_gpus(kDcgmFbFree)};
}

}  // namespace userscale::controller
