#include "core/policies/gpuaware/cluster_view.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

ReplicaState state_of(const PodInfo& pod) {
  if (pod.deleting) return ReplicaState::Leaving;
  switch (pod.phase) {
    case PodPhase::Pending:
      // The kubelet sets startTime once the pod is on a node: it is pulling or starting.
      return pod.start_time ? ReplicaState::Starting : ReplicaState::Pending;
    case PodPhase::Running:
      return pod.is_ready() ? ReplicaState::Serving : ReplicaState::Starting;
    default:
      return ReplicaState::Leaving;
  }
}

std::optional<double> usable_bytes(const std::optional<double>& v) {
  if (v && std::isfinite(*v) && *v >= 0) return v;
  return std::nullopt;
}

}  // namespace

std::string gpu_class(const GpuView& gpu) {
  return gpu.model.empty() ? "gpu/" + gpu.key : "model/" + gpu.model;
}

const GpuView* ClusterView::gpu(const std::string& key) const {
  for (const auto& g : gpus) {
    if (g.key == key) return &g;
  }
  return nullptr;
}

ClusterView build_cluster_view(const Observation& obs, Duration staleness, double busy_utilization,
                               bool topology, const OccupancyTracker* occupancy) {
  ClusterView v;
  std::set<std::string> ours;
  for (const auto& pod : obs.pods) ours.insert(pod.name);

  std::map<std::string, std::size_t> by_key;
  if (topology) {
    for (const auto& info : obs.gpus) {
      if (info.uuid.empty() || by_key.count(info.uuid)) continue;
      GpuView g;
      g.key = info.uuid;
      g.model = info.model;
      g.listed = true;
      for (const auto& name : info.pods) g.others += ours.count(name) ? 0 : 1;
      if (is_fresh(info.sample_time, obs.now, staleness)) {
        g.memory_used_bytes = usable_bytes(info.memory_used_bytes);
      }
      g.memory_total_bytes = usable_bytes(info.memory_total_bytes);
      by_key[g.key] = v.gpus.size();
      v.gpus.push_back(std::move(g));
    }
  }
  auto listed_gpu_of = [&](const PodInfo& pod) -> std::optional<std::size_t> {
    if (!topology) return std::nullopt;
    if (pod.gpu_uuid) {
      auto it = by_key.find(*pod.gpu_uuid);
      if (it != by_key.end()) return it->second;
    }
    for (const auto& info : obs.gpus) {
      if (std::find(info.pods.begin(), info.pods.end(), pod.name) != info.pods.end()) {
        auto it = by_key.find(info.uuid);
        if (it != by_key.end()) return it->second;
      }
    }
    return std::nullopt;
  };

  for (const auto& pod : obs.pods) {
    ReplicaView r;
    r.name = pod.name;
    r.state = state_of(pod);
    r.start_time = pod.start_time;
    r.window = pod.serving.window;
    if (pod.is_ready()) r.ready_since = pod.ready->last_transition_time;
    const std::size_t index = v.replicas.size();
    std::optional<std::size_t> g = listed_gpu_of(pod);
    if (!g && (r.state == ReplicaState::Serving || r.state == ReplicaState::Starting)) {
      GpuView own;
      own.key = "pod/" + pod.name;
      own.memory_used_bytes = usable_bytes(pod.serving.gpu_memory_used_bytes);
      g = v.gpus.size();
      v.gpus.push_back(std::move(own));
    }
    if (g) r.gpu = v.gpus[*g].key;
    switch (r.state) {
      case ReplicaState::Serving: {
        ++v.serving;
        if (g) v.gpus[*g].serving.push_back(index);
        r.load = read_replica_load(pod.serving, busy_utilization,
                                   occupancy ? occupancy->mean(pod.name) : std::nullopt);
        if (!r.load) {
          r.unreadable = true;
          ++v.serving_unreadable;
        } else if (!is_fresh(pod.serving.sample_time, obs.now, staleness)) {
          r.load.reset();
          r.stale = true;
          ++v.serving_stale;
        }
        break;
      }
      case ReplicaState::Starting:
        ++v.starting;
        if (g) v.gpus[*g].starting.push_back(index);
        break;
      case ReplicaState::Pending:
        ++v.pending;
        break;
      case ReplicaState::Leaving:
        ++v.leaving;
        if (g) ++v.gpus[*g].leaving;
        break;
    }
    v.replicas.push_back(std::move(r));
  }
  const int active = v.serving + v.starting + v.pending;
  v.not_created = std::max(0, obs.scale.spec_replicas - active);
  v.to_be_deleted = std::max(0, active - obs.scale.spec_replicas);
  return v;
}

}  // namespace userscale
