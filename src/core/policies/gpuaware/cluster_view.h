// One tick's picture of the target for gpuaware: every replica with its state and its load,
// grouped by the physical GPU it runs on, with that GPU's memory and the other pods on it.
//
// Replica states:
//   serving   Running, Ready, not being deleted: takes traffic, its signals count;
//   starting  bound to a node but not Ready (image pull, CUDA init, model load, readiness):
//             capacity on the way, already on its GPU;
//   pending   not yet on a node (phase Pending without a start time): capacity on the way,
//             once a slice or a node is free;
//   leaving   being deleted, Succeeded, Failed or Unknown: neither serving nor coming.
// A serving replica's signals are fresh when their sample_time is within `staleness` of now.
//
// GPUs: every entry of obs.gpus (those without any pod too: free GPUs), keyed by UUID; a pod
// names its GPU by gpu_uuid or by appearing in gpus[].pods. A running pod whose GPU the world
// does not show gets a GPU of its own, keyed "pod/<name>", not listed (not shareable). With
// `topology` off every running replica gets such a GPU of its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/policies/gpuaware/occupancy_tracker.h"
#include "core/policies/gpuaware/replica_load.h"

namespace userscale {

enum class ReplicaState { Serving, Starting, Pending, Leaving };

struct ReplicaView {
  std::string name;
  ReplicaState state = ReplicaState::Pending;
  std::string gpu;                  // key into ClusterView::gpus; empty when not on a GPU
  std::optional<ReplicaLoad> load;  // serving, with fresh and readable signals
  bool stale = false;               // serving, signals older than the staleness bound
  bool unreadable = false;          // serving, signals absent or malformed
  std::optional<Time> ready_since;  // Ready condition's last transition, when Ready
  std::optional<Time> start_time;
  Duration window = 0;  // the window its rates were measured over
};

struct GpuView {
  std::string key;  // UUID, or "pod/<name>" for a replica's own unlisted GPU
  std::string model;
  bool listed = false;               // in obs.gpus: a real GPU other replicas may share
  std::vector<std::size_t> serving;  // indices into ClusterView::replicas
  std::vector<std::size_t> starting;
  int leaving = 0;  // our replicas on it that are being deleted (they still hold a slice)
  int others = 0;   // pods on it that are not this target's
  std::optional<double> memory_used_bytes;  // fresh values only
  std::optional<double> memory_total_bytes;

  int ours() const { return static_cast<int>(serving.size() + starting.size()); }
  int pods() const { return ours() + leaving + others; }
};

// GPUs of one model behave alike for one service: what is learned on one applies to all.
// The class is the model name, or the GPU's own key when the model is not reported.
std::string gpu_class(const GpuView& gpu);

struct ClusterView {
  std::vector<ReplicaView> replicas;
  std::vector<GpuView> gpus;
  int serving = 0, starting = 0, pending = 0, leaving = 0;
  int serving_stale = 0, serving_unreadable = 0;
  // The scale asks for more replicas than there are pods yet (the ReplicaSet has not created
  // them): counted as pending. Or for fewer: that many are about to be deleted.
  int not_created = 0;
  int to_be_deleted = 0;

  const GpuView* gpu(const std::string& key) const;
};

// `occupancy`: each pod's mean requests inside; a pod it does not know, or with none given, is
// read from its last scrape.
ClusterView build_cluster_view(const Observation& obs, Duration staleness, double busy_utilization,
                               bool topology, const OccupancyTracker* occupancy = nullptr);

}  // namespace userscale
