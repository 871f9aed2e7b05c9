// Nodes: GPUs and their devices per sharing mode, Karpenter- or Cluster-Autoscaler-like
// provisioning for pending pods, empty-node removal, consolidation, spot interruptions;
// node-hours and cost.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/distribution.h"
#include "sim/world.h"

namespace userscale::sim {
namespace {

std::string gpu_uuid(std::uint32_t node, int index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "GPU-%08x-%04x-4%03x-8000-%012x", 0x5eed0000u + node,
                static_cast<unsigned>(index), static_cast<unsigned>(node % 4096),
                static_cast<unsigned>(node * 16 + static_cast<std::uint32_t>(index)));
  return buf;
}

}  // namespace

int World::pool_nodes(std::uint32_t pool) const {
  int n = 0;
  for (const Node& node : nodes_) {
    if (node.pool == pool && node.state != NodeState::Gone) ++n;
  }
  return n;
}

void World::add_node(std::uint32_t pool, bool ready_now) {
  const auto& spec = sc_.cluster.pools[pool];
  auto& slots = pool_slots_[pool];
  auto free_slot = std::find(slots.begin(), slots.end(), false);
  if (free_slot == slots.end()) return;
  *free_slot = true;
  Node n;
  n.pool = pool;
  n.slot = static_cast<int>(free_slot - slots.begin());
  n.created = now_;
  n.state = NodeState::Provisioning;
  const auto id = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(n);
  node_count_.add(now_, 1.0);
  cost_rate_.add(now_, spec.cost_per_hour / 3600.0);
  if (ready_now) {
    nodes_[id].image_ready_at = -1.0;  // the image was loaded beforehand
    on_node_ready(id);
  } else {
    const double delay = sample(sc_.cluster.node_autoscaler.provision_delay, node_rng_);
    events_.push(now_ + delay, EventKind::NodeReady, id, nodes_[id].incarnation);
  }
}

void World::on_node_ready(std::uint32_t id) {
  const auto& pool = sc_.cluster.pools[nodes_[id].pool];
  const auto& sharing = sc_.cluster.sharing;
  nodes_[id].state = NodeState::Ready;
  nodes_[id].empty_since = now_;
  for (int g = 0; g < pool.gpus_per_node; ++g) {
    Gpu gpu;
    gpu.node = id;
    gpu.column = pool_column_base_[nodes_[id].pool] + nodes_[id].slot * pool.gpus_per_node + g;
    gpu.uuid = gpu_uuid(id, g);
    gpu.memory_total = pool.gpu_memory_bytes;
    gpu.isolated = sharing.mode == config::SharingMode::Mig;
    gpu.dcgm_time = now_;
    gpu.busy_at_timeline = 0.0;
    const auto gid = static_cast<std::uint32_t>(gpus_.size());
    auto add_device = [&](double fraction, double memory, int slots, double share) {
      Device d;
      d.gpu = gid;
      d.node = id;
      d.speed = pool.gpu_speed * fraction;
      d.compute_fraction = fraction;
      d.memory_bytes = memory;
      d.slots = slots;
      d.slot_share = share;
      d.busy.last = now_;
      gpu.devices.push_back(static_cast<std::uint32_t>(devices_.size()));
      devices_.push_back(std::move(d));
    };
    switch (sharing.mode) {
      case config::SharingMode::Exclusive:
        add_device(1.0, pool.gpu_memory_bytes, 1, 1.0);
        break;
      case config::SharingMode::TimeSlice:
      case config::SharingMode::Mps:
        add_device(1.0, pool.gpu_memory_bytes, sharing.replicas_per_gpu,
                   1.0 / sharing.replicas_per_gpu);
        break;
      case config::SharingMode::Mig: {
        const auto profile =
            config::parse_mig_profile(sharing.mig_profile).value_or(config::MigProfile{});
        const int count = sharing.mig_count > 0 ? sharing.mig_count : 7 / profile.compute_slices;
        const double fraction = profile.compute_slices / 7.0;
        for (int k = 0; k < count; ++k) add_device(fraction, profile.memory_gb * 1e9, 1, fraction);
        break;
      }
    }
    nodes_[id].gpus.push_back(gid);
    gpus_.push_back(std::move(gpu));
  }
  if (pool.spot && pool.spot_interruptions_per_hour > 0.0) {
    const double after = node_rng_.exponential(3600.0 / pool.spot_interruptions_per_hour);
    events_.push(now_ + after, EventKind::SpotNotice, id, nodes_[id].incarnation);
  }
  try_schedule();
}

// One pass of the node autoscaler: nodes for pods that cannot be placed (counting the nodes
// already on their way), and removal of nodes that stayed empty for the TTL.
void World::on_node_scan() {
  int pending = 0;
  for (const Pod& p : pods_) {
    if (p.state == PodState::Pending) ++pending;
  }
  const auto& sharing = sc_.cluster.sharing;
  auto slots_per_gpu = [&]() {
    switch (sharing.mode) {
      case config::SharingMode::Exclusive:
        return 1;
      case config::SharingMode::Mig: {
        const auto profile =
            config::parse_mig_profile(sharing.mig_profile).value_or(config::MigProfile{});
        return sharing.mig_count > 0 ? sharing.mig_count : 7 / profile.compute_slices;
      }
      default:
        return sharing.replicas_per_gpu;
    }
  }();
  for (const Node& n : nodes_) {
    if (n.state == NodeState::Provisioning) {
      pending -= sc_.cluster.pools[n.pool].gpus_per_node * slots_per_gpu;
    }
  }
  for (std::uint32_t pool = 0; pool < sc_.cluster.pools.size() && pending > 0; ++pool) {
    const auto& spec = sc_.cluster.pools[pool];
    const int per_node = std::max(1, spec.gpus_per_node * slots_per_gpu);
    while (pending > 0 && pool_nodes(pool) < spec.max_nodes) {
      add_node(pool, false);
      pending -= per_node;
    }
  }
  const double ttl = sc_.cluster.node_autoscaler.empty_node_ttl;
  for (std::uint32_t id = 0; id < nodes_.size(); ++id) {
    const Node& n = nodes_[id];
    if (n.state != NodeState::Ready || n.bound_pods > 0 || now_ - n.empty_since < ttl) continue;
    if (pool_nodes(n.pool) <= sc_.cluster.pools[n.pool].min_nodes) continue;
    bool wanted = false;  // a pending pod would land here: keep it
    for (const Pod& p : pods_) wanted = wanted || p.state == PodState::Pending;
    if (!wanted) remove_node(id);
  }
  consolidate();
}

// One node at a time, the one with the fewest pods, and only while no pod is pending (a pending
// pod needs the room) and the pool stays at or above its minimum.
void World::consolidate() {
  const auto& na = sc_.cluster.node_autoscaler;
  if (!na.consolidation) return;
  bool pending = false;
  for (const Pod& p : pods_) pending = pending || p.state == PodState::Pending;
  std::vector<int> free_on(nodes_.size(), 0), pods_on(nodes_.size(), 0);
  for (const Device& d : devices_) {
    if (nodes_[d.node].state != NodeState::Ready) continue;
    const int bound = static_cast<int>(d.pods.size());
    free_on[d.node] += std::max(0, d.slots - bound);
    pods_on[d.node] += bound;
  }
  // Room on nodes that hold pods: an empty node is on its way out (the TTL), not a target.
  int free_total = 0;
  for (std::uint32_t id = 0; id < nodes_.size(); ++id) {
    if (pods_on[id] > 0) free_total += free_on[id];
  }
  std::uint32_t best = kNone;
  for (std::uint32_t id = 0; id < nodes_.size(); ++id) {
    Node& n = nodes_[id];
    const bool fits = !pending && n.state == NodeState::Ready && pods_on[id] > 0 &&
                      pods_on[id] <= free_total - free_on[id] &&
                      pool_nodes(n.pool) > sc_.cluster.pools[n.pool].min_nodes;
    if (!fits) {
      n.consolidatable_since = -1.0;
      continue;
    }
    if (n.consolidatable_since < 0.0) n.consolidatable_since = now_;
    if (now_ - n.consolidatable_since < na.consolidate_after) continue;
    if (best == kNone || pods_on[id] < pods_on[best]) best = id;
  }
  if (best == kNone) return;
  ++consolidations_;
  drain_node(best, svc_.termination_grace);
}

// A spot node is reclaimed: cordon it, move its pods off (the ReplicaSet replaces them at
// once), and take it away when the notice runs out. Consolidation drains a node the same way.
void World::on_spot_notice(std::uint32_t id) {
  drain_node(id, sc_.cluster.node_autoscaler.spot_notice);
}

void World::drain_node(std::uint32_t id, double gone_after) {
  nodes_[id].state = NodeState::Cordoned;
  for (std::uint32_t g : nodes_[id].gpus) {
    for (std::uint32_t dv : gpus_[g].devices) {
      const std::vector<std::uint32_t> on_device = devices_[dv].pods;
      for (std::uint32_t pod : on_device) {
        if (pods_[pod].state == PodState::Ready) {
          terminate(pod);
        } else if (pods_[pod].state != PodState::Terminating) {
          release(pod);
        }
      }
    }
  }
  scale_to(desired_);
  events_.push(now_ + gone_after, EventKind::NodeGone, id, nodes_[id].incarnation);
}

void World::remove_node(std::uint32_t id) {
  nodes_[id].state = NodeState::Cordoned;  // nothing may be scheduled here any more
  for (std::uint32_t g : nodes_[id].gpus) {
    for (std::uint32_t dv : gpus_[g].devices) {
      const std::vector<std::uint32_t> on_device = devices_[dv].pods;
      for (std::uint32_t pod : on_device) {
        fail_all(pod);
        release(pod);
      }
      devices_[dv].busy.set(now_, 0.0);
    }
    gpus_[g].alive = false;
  }
  Node& n = nodes_[id];
  const auto& spec = sc_.cluster.pools[n.pool];
  n.state = NodeState::Gone;
  ++n.incarnation;
  pool_slots_[n.pool][static_cast<std::size_t>(n.slot)] = false;
  node_count_.add(now_, -1.0);
  cost_rate_.add(now_, -spec.cost_per_hour / 3600.0);
  scale_to(desired_);
}

}  // namespace userscale::sim
