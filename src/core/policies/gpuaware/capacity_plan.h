// What the replicas provide now and on the way, and what one more or one fewer would change:
// the arithmetic that turns a needed capacity into a replica count.
//
// Capacity of one GPU holding n counted replicas of ours: r x min(n, L), where r is its
// measured capacity per useful replica (mu_s before a measurement) and L its class's useful
// limit (no limit until a saturation verdict). Serving replicas count; starting and pending
// ones count too (capacity on the way) unless the startup feature is off. An unscheduled
// replica is placed where the scheduler would put it (below); on a new node it counts mu_s,
// or nothing once the supply timeout says no new GPU is coming.
//
// Adding: the next replica lands where the placement predicts, among the listed GPUs that may
// take one more pod (slice_tracker.h); on a new node when none may. It adds
//   * on a GPU with none of ours: mu_s;
//   * on a GPU at or past its useful limit: nothing ("saturated");
//   * within the count its class was measured to scale to: r;
//   * otherwise it is a probe, one at a time, judged against the GPU's congested capacity at
//     its current count: nothing while the GPU is settling (a change not yet measured,
//     replicas starting on it, one already planned this tick, or the last one added not yet
//     judged) ("settling"); while its replicas are not all congested, r if GPUs of its class
//     were never seen shared (the replica most likely lands on new capacity: exclusive GPUs),
//     else nothing ("not busy": sharing cannot be judged, and replicas with room need no
//     neighbour); nothing until its congested capacity at the current count is measured
//     ("measuring"); else r;
//   * on a new node: mu_s, nothing when no new GPU comes ("no supply");
//   * nothing where it would not fit in GPU memory ("memory").
// Replicas are added while the capacity is short of the need and the next one adds something.
//
// Removing follows the ReplicaSet's deletion order: unscheduled, then starting, then the most
// recently Ready first. A replica past its GPU's useful limit costs nothing to remove (an
// unscheduled one waiting for a new node is kept: it is wanted if a GPU comes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/policies/gpuaware/capacity_tracker.h"
#include "core/policies/gpuaware/cluster_view.h"
#include "core/policies/gpuaware/memory_model.h"
#include "core/policies/gpuaware/placement_tracker.h"
#include "core/policies/gpuaware/slice_tracker.h"

namespace userscale {

struct PlanContext {
  const ClusterView* view = nullptr;
  const CapacityTracker* capacity = nullptr;
  const SliceTracker* slices = nullptr;
  const PlacementTracker* placement = nullptr;
  const MemoryModel* memory = nullptr;  // null: memory is not checked
  Time now = 0;
  double replica_rate = 0;      // mu_s
  bool supply_blocked = false;  // no new GPU is coming
  bool count_on_the_way = true;
};

// Why adding stopped short of the need.
enum class AddStop { None, Saturated, Settling, NotBusy, Measuring, Memory, NoSupply };

struct AddOutcome {
  int added = 0;
  AddStop stop = AddStop::None;
  std::string gpu;  // the GPU the next replica would have landed on ("" for a new node)
  std::optional<int> useful_limit;  // Saturated: the GPU's limit
  double gpu_capacity = 0;          // that GPU's capacity as planned
};

class CapacityPlan {
 public:
  explicit CapacityPlan(const PlanContext& context);

  // Requests/s of every counted replica, serving and (unless the startup feature is off) on
  // the way, as planned so far.
  double usable() const;
  // Requests/s of the serving replicas alone.
  double serving() const;
  int listed_gpus() const;
  // The GPU of the replica the ReplicaSet would delete first, when that replica serves.
  std::optional<std::string> first_deleted_serving_gpu() const;

  // Adds replicas while usable() < need and the next one adds capacity (at most `max_add`).
  AddOutcome add_until(double need, int max_add);
  // Removes replicas in deletion order while what is left still provides `keep`; with
  // `only_free`, only replicas whose removal costs no capacity. Never the last one. Not after
  // add_until on the same plan.
  int remove_while(double keep, bool only_free);

 private:
  struct Slot {
    const GpuView* gpu = nullptr;
    double rate = 0;
    std::optional<int> limit;
    int serving = 0, starting = 0, placed = 0, planned = 0;  // ours, by what they are
    int counted(bool on_the_way) const;
    int occupying() const { return gpu->pods() + placed + planned; }
  };
  struct Member {  // one replica, for the deletion order
    int rank = 0;  // 0 unscheduled, 1 starting, 2 serving
    Time ready_since = 0;
    int slot = -1;  // -1: an unscheduled replica headed for a new node
  };

  double slot_capacity(const Slot& s, int extra) const;
  std::optional<int> landing() const;
  double add_gain(int slot, AddOutcome& why) const;
  bool past_limit(const Member& m) const;
  void remove_member(std::size_t index);

  PlanContext c_;
  std::vector<Slot> slots_;
  std::vector<Member> members_;  // in deletion order
  int new_node_pending_ = 0;     // unscheduled replicas headed for new nodes
  int new_node_planned_ = 0;
};

}  // namespace userscale
