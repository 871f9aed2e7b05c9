// The NVIDIA DCGM exporter's per-GPU series, as Prometheus returns them, mapped onto the pods
// of one target: the physical GPU (UUID) each pod runs on, that GPU's utilization and
// framebuffer, and who else is on it (time-slicing puts several pods on one UUID). Pure: no
// I/O; prometheus_source.cpp feeds it the answers of dcgm_queries().
//
// The pod of a series is read from whichever spelling is present (dcgm-exporter's Kubernetes
// mapping, DCGM_EXPORTER_KUBERNETES=true):
//   * pod / namespace / container: the exporter's own labels, kept by honor_labels: true;
//   * exported_pod / exported_namespace: the same labels renamed by Prometheus when the
//     scrape job attaches its own pod/namespace (honor_labels: false, a ServiceMonitor);
//   * pod_name / pod_namespace: the exporter's --use-old-namespace spelling.
// A series without a pod is a GPU no pod holds; a pod of the target without any series has no
// GPU metrics (absent, never zero).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "metrics/promql_client.h"

namespace userscale::controller {

inline constexpr const char* kDcgmUtil = "DCGM_FI_DEV_GPU_UTIL";   // percent
inline constexpr const char* kDcgmFbUsed = "DCGM_FI_DEV_FB_USED";  // MiB
inline constexpr const char* kDcgmFbFree = "DCGM_FI_DEV_FB_FREE";  // MiB

struct DcgmSeries {
  std::vector<metrics::PromSeries> util, fb_used, fb_free;
};

struct DcgmPod {
  std::string ns, name;
};

// The pod a DCGM series names, in any of the three spellings; nullopt for a GPU no pod holds.
std::optional<DcgmPod> dcgm_pod_of(const std::map<std::string, std::string>& labels);

struct DcgmPodGpu {
  std::string uuid;
  std::optional<double> utilization;  // percent of the whole GPU, shared or not
  std::optional<double> memory_used_bytes;
};

struct DcgmMapping {
  std::map<std::string, DcgmPodGpu> pods;  // by pod name: the target's pods DCGM lists
  // The GPUs at least one of the target's pods is on, by UUID. `pods` names every pod DCGM
  // puts on the GPU: the target's by name, any other namespace's as "namespace/name" (a pod
  // name has no '/', so it can never be taken for one of the target's).
  std::vector<GpuInfo> gpus;
};

// `ns`: the target's namespace; `pods`: its pods' names.
DcgmMapping map_dcgm(const std::string& ns, const std::vector<std::string>& pods,
                     const DcgmSeries& series);

// The PromQL of the three series for a target in `ns`: every series of each GPU that at least
// one pod of `ns` is on (so that pods of other namespaces sharing it are seen too).
struct DcgmQueries {
  std::string util, fb_used, fb_free;
};
DcgmQueries dcgm_queries(const std::string& ns);

}  // namespace userscale::controller
