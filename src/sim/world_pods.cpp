// Pods: the ReplicaSet (create, delete in its order), the scheduler and the device plugin
// (placement onto slots), the kubelet (start, readiness, OOM kills, restart back-off) and
// graceful termination.
#include <algorithm>
#include <cmath>

#include "sim/distribution.h"
#include "sim/world.h"

namespace userscale::sim {
namespace {

// A pod name like a ReplicaSet's: deployment, a template hash, a 5-character suffix.
std::string pod_name(const std::string& service, std::uint64_t ordinal) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::uint64_t x = ordinal * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  x ^= x >> 31;
  std::string suffix;
  for (int i = 0; i < 5; ++i) {
    suffix += kAlphabet[x % 27];
    x /= 27;
  }
  return service + "-6d5f8b7c9-" + suffix;
}

bool holds_slot(PodState s) {
  return s == PodState::Binding || s == PodState::Starting || s == PodState::Ready ||
         s == PodState::Backoff || s == PodState::Terminating;
}

}  // namespace

int World::active_pods() const {
  int n = 0;
  for (const Pod& p : pods_) {
    if (p.state != PodState::Terminating && p.state != PodState::Gone) ++n;
  }
  return n;
}

std::uint32_t World::new_pod() {
  std::uint32_t id;
  if (!free_pods_.empty()) {
    id = free_pods_.back();
    free_pods_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(pods_.size());
    pods_.emplace_back();
  }
  const std::uint32_t incarnation = pods_[id].incarnation + 1;
  pods_[id] = Pod{};
  Pod& p = pods_[id];
  p.incarnation = incarnation;
  p.ordinal = next_ordinal_++;
  p.name = pod_name(svc_.name, p.ordinal);
  p.created = now_;
  p.state = PodState::Pending;
  p.scrapes.reset(static_cast<std::size_t>(
                      std::ceil(sc_.metrics.rate_window / sc_.metrics.scrape_interval - 1e-9)) +
                  1);
  const auto window_ticks = static_cast<std::size_t>(std::max(
      1.0, std::round(sc_.metrics.metrics_server_window / sc_.metrics.metrics_server_resolution)));
  p.ms_times.assign(window_ticks + 1, 0.0);
  p.ms_cum.assign(window_ticks + 1, 0.0);
  p.cpu_usage.last = now_;
  if (svc_.concurrency > 0) {
    p.cpu.reserve(static_cast<std::size_t>(svc_.concurrency));
    p.gpu.reserve(static_cast<std::size_t>(svc_.concurrency));
  }
  return id;
}

void World::scale_to(int desired) {
  desired_ = desired;
  int active = active_pods();
  if (desired > active) {
    for (int i = active; i < desired; ++i) new_pod();
    try_schedule();
    return;
  }
  if (desired == active) return;
  // The ReplicaSet's deletion order: unscheduled before scheduled, not ready before ready,
  // then the most recently ready first.
  std::vector<std::uint32_t> candidates;
  for (std::uint32_t i = 0; i < pods_.size(); ++i) {
    const PodState s = pods_[i].state;
    if (s != PodState::Terminating && s != PodState::Gone) candidates.push_back(i);
  }
  auto rank = [&](std::uint32_t i) {
    switch (pods_[i].state) {
      case PodState::Pending:
        return 0;
      case PodState::Binding:
        return 1;
      case PodState::Backoff:
        return 2;
      case PodState::Starting:
        return 3;
      default:
        return 4;
    }
  };
  std::sort(candidates.begin(), candidates.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (rank(x) != rank(y)) return rank(x) < rank(y);
    const double rx = pods_[x].ready_since.value_or(0.0), ry = pods_[y].ready_since.value_or(0.0);
    if (rx != ry) return rx > ry;
    return pods_[x].ordinal > pods_[y].ordinal;
  });
  for (int k = 0; k < active - desired; ++k) {
    const std::uint32_t id = candidates[static_cast<std::size_t>(k)];
    Pod& p = pods_[id];
    if (p.state == PodState::Pending) {
      p.state = PodState::Gone;
      ++p.incarnation;
      free_pods_.push_back(id);
    } else if (p.state == PodState::Ready) {
      terminate(id);
    } else {
      release(id);  // nothing in flight: it exits at once
    }
  }
}

std::uint32_t World::choose_device() {
  const auto placement = sc_.cluster.sharing.placement;
  std::uint32_t best = kNone;
  std::size_t candidates = 0;
  for (std::uint32_t i = 0; i < devices_.size(); ++i) {
    const Device& d = devices_[i];
    if (nodes_[d.node].state != NodeState::Ready) continue;
    const int used = static_cast<int>(d.pods.size());
    if (used >= d.slots) continue;
    ++candidates;
    if (best == kNone) {
      best = i;
      continue;
    }
    const int best_used = static_cast<int>(devices_[best].pods.size());
    if ((placement == config::Placement::Packed && used > best_used) ||
        (placement == config::Placement::Spread && used < best_used)) {
      best = i;
    }
  }
  if (placement != config::Placement::Random || candidates <= 1) return best;
  std::size_t pick = rng_.below(candidates);
  for (std::uint32_t i = 0; i < devices_.size(); ++i) {
    const Device& d = devices_[i];
    if (nodes_[d.node].state != NodeState::Ready) continue;
    if (static_cast<int>(d.pods.size()) >= d.slots) continue;
    if (pick-- == 0) return i;
  }
  return best;
}

void World::try_schedule() {
  std::vector<std::uint32_t> pending;
  for (std::uint32_t i = 0; i < pods_.size(); ++i) {
    if (pods_[i].state == PodState::Pending) pending.push_back(i);
  }
  std::sort(pending.begin(), pending.end(),
            [&](std::uint32_t x, std::uint32_t y) { return pods_[x].ordinal < pods_[y].ordinal; });
  for (std::uint32_t id : pending) {
    const std::uint32_t dev = choose_device();
    if (dev == kNone) return;
    bind(id, dev);
    Pod& p = pods_[id];
    p.state = PodState::Binding;
    ++p.incarnation;
    events_.push(now_ + sc_.cluster.scheduling_delay, EventKind::PodBound, id, p.incarnation);
  }
}

void World::bind(std::uint32_t pod, std::uint32_t dev) {
  Pod& p = pods_[pod];
  Device& d = devices_[dev];
  p.device = dev;
  d.pods.push_back(pod);
  nodes_[d.node].bound_pods++;
  bound_pods_.add(now_, 1.0);
  gpu_share_.add(now_, d.slot_share);
  max_bound_ = std::max(max_bound_, static_cast<int>(bound_pods_.value));
}

void World::on_pod_bound(std::uint32_t pod) {
  pods_[pod].start_time = now_;
  start_container(pod, true);
}

void World::start_container(std::uint32_t pod, bool pull_image) {
  Pod& p = pods_[pod];
  p.state = PodState::Starting;
  ++p.incarnation;
  p.container_started = now_;
  p.ms_count = 0;
  p.published_cpu.reset();
  update_cpu_usage(p);
  const auto& st = svc_.startup;
  double wait = 0.0;
  if (pull_image) {
    Node& node = nodes_[devices_[p.device].node];
    if (node.image_ready_at == kInf) node.image_ready_at = now_ + sample(st.image_pull, pod_rng_);
    wait = std::max(0.0, node.image_ready_at - now_);
  }
  const double init = sample(st.cuda_init, pod_rng_) + sample(st.model_load, pod_rng_);
  events_.push(now_ + wait + init, EventKind::PodLoaded, pod, p.incarnation);
}

void World::on_pod_loaded(std::uint32_t pod) {
  Pod& p = pods_[pod];
  const Device& d = devices_[p.device];
  Gpu& g = gpus_[d.gpu];
  p.memory_loaded = true;
  g.memory_used += svc_.memory_base_bytes;
  if (svc_.llm) {
    // The KV cache gets what the replica's share of GPU memory leaves after the weights.
    int gpu_slots = 0;
    for (std::uint32_t dv : g.devices) gpu_slots += devices_[dv].slots;
    const double share = g.isolated ? d.memory_bytes : g.memory_total / std::max(1, gpu_slots);
    p.kv_budget = std::max(0.0, share - svc_.memory_base_bytes);
  }
  const std::uint32_t incarnation = p.incarnation;
  check_memory(d.gpu);
  if (pods_[pod].incarnation == incarnation) {
    events_.push(now_ + svc_.startup.readiness_delay, EventKind::PodReady, pod, incarnation);
  }
}

void World::on_pod_ready(std::uint32_t pod) {
  Pod& p = pods_[pod];
  p.state = PodState::Ready;
  p.ready_since = now_;
  p.ready_transition = now_;
  set_routable(pod, true);
  dispatch_buffer();
}

// The initial replicas: running and warm before the experiment starts.
void World::make_ready_now(std::uint32_t pod) {
  Pod& p = pods_[pod];
  const double before = -600.0;
  p.state = PodState::Ready;
  p.start_time = before;
  p.container_started = before;
  p.ready_since = before;
  p.ready_transition = before;
  p.created = before;
  Node& node = nodes_[devices_[p.device].node];
  if (node.image_ready_at == kInf) node.image_ready_at = before;
  on_pod_loaded(pod);  // allocates its memory (and may OOM)
  if (p.state != PodState::Ready) return;
  ++p.incarnation;  // voids the readiness event on_pod_loaded scheduled
  set_routable(pod, true);
  update_cpu_usage(p);
}

void World::set_routable(std::uint32_t pod, bool on) {
  Pod& p = pods_[pod];
  if (p.routable == on) return;
  p.routable = on;
  if (on) {
    routable_.push_back(pod);
  } else {
    auto it = std::find(routable_.begin(), routable_.end(), pod);
    if (it != routable_.end()) {
      *it = routable_.back();
      routable_.pop_back();
    }
  }
}

void World::fail_all(std::uint32_t pod) {
  Pod& p = pods_[pod];
  while (!p.queue.empty()) {
    const std::uint32_t id = p.queue.pop();
    --queued_;
    ++p.counters.failures;
    record_outcome(id, Outcome::Crashed);
    free_request(id);
  }
  auto drop = [&](std::uint32_t id) {
    Request& r = requests_[id];
    --p.in_service;
    --in_flight_;
    p.kv_used -= r.kv_bytes;
    if (r.phase == ReqPhase::Gpu && r.memory > 0.0) {
      p.memory_requests -= r.memory;
      gpus_[devices_[p.device].gpu].memory_used -= r.memory;
    }
    ++p.counters.failures;
    record_outcome(id, Outcome::Crashed);
    free_request(id);
  };
  while (!p.gpu_wait.empty()) drop(p.gpu_wait.pop());
  p.cpu.advance(now_);
  p.cpu.drain(drop);
  if (p.device != kNone) {
    device_advance(p.device);
    p.gpu.drain(drop);
    device_changed(p.device);
  }
  cpu_changed(pod);
}

void World::crash(std::uint32_t pod) {
  Pod& p = pods_[pod];
  ++oom_kills_;
  if (p.state == PodState::Terminating) {
    fail_all(pod);
    release(pod);
    return;
  }
  set_routable(pod, false);
  p.state = PodState::Backoff;  // before fail_all: no queued request may start
  fail_all(pod);
  if (p.memory_loaded) {
    gpus_[devices_[p.device].gpu].memory_used -= svc_.memory_base_bytes;
    p.memory_loaded = false;
  }
  ++p.restarts;
  // The kubelet's back-off: 10 s, doubling, capped at 5 minutes.
  p.backoff = p.restarts == 1 ? svc_.restart_backoff_initial
                              : std::min(svc_.restart_backoff_max, p.backoff * 2.0);
  ++p.incarnation;
  p.ready_since.reset();
  p.ready_transition = now_;
  update_cpu_usage(p);
  events_.push(now_ + p.backoff, EventKind::PodRestart, pod, p.incarnation);
}

void World::terminate(std::uint32_t pod) {
  Pod& p = pods_[pod];
  p.state = PodState::Terminating;
  ++p.incarnation;
  set_routable(pod, false);
  events_.push(now_ + svc_.termination_grace, EventKind::PodKill, pod, p.incarnation);
  maybe_finish_termination(pod);
}

void World::maybe_finish_termination(std::uint32_t pod) {
  const Pod& p = pods_[pod];
  if (p.state == PodState::Terminating && p.in_service == 0 && p.queue.empty()) release(pod);
}

void World::release(std::uint32_t pod) {
  Pod& p = pods_[pod];
  if (p.state == PodState::Gone) return;
  set_routable(pod, false);
  if (p.device != kNone && holds_slot(p.state)) {
    Device& d = devices_[p.device];
    if (p.memory_loaded) gpus_[d.gpu].memory_used -= svc_.memory_base_bytes;
    auto it = std::find(d.pods.begin(), d.pods.end(), pod);
    if (it != d.pods.end()) d.pods.erase(it);
    Node& node = nodes_[d.node];
    if (--node.bound_pods == 0) node.empty_since = now_;
    bound_pods_.add(now_, -1.0);
    gpu_share_.add(now_, -d.slot_share);
  }
  p.memory_loaded = false;
  p.state = PodState::Gone;
  ++p.incarnation;
  update_cpu_usage(p);
  free_pods_.push_back(pod);
  try_schedule();
}

double World::device_memory_used(const Device& d) const {
  double used = 0.0;
  for (std::uint32_t pod : d.pods) {
    const Pod& p = pods_[pod];
    used += (p.memory_loaded ? svc_.memory_base_bytes : 0.0) + p.memory_requests;
  }
  return used;
}

// GPU memory is not isolated between time-sliced (or MPS) replicas: when the card runs out,
// the newest process is the one that fails its allocation and dies. MIG partitions have
// their own memory.
void World::check_memory(std::uint32_t gpu) {
  for (int guard = 0; guard < 1000; ++guard) {
    Gpu& g = gpus_[gpu];
    // The common case, first: a shared card with room (the victim search has no effects).
    if (!g.isolated && g.memory_used <= g.memory_total + 1.0) return;
    std::uint32_t victim = kNone;
    for (std::uint32_t dv : g.devices) {
      const Device& d = devices_[dv];
      if (g.isolated && device_memory_used(d) <= d.memory_bytes + 1.0) continue;
      for (std::uint32_t pod : d.pods) {
        const Pod& p = pods_[pod];
        if (!p.memory_loaded && p.memory_requests <= 0.0) continue;
        if (victim == kNone || p.container_started > pods_[victim].container_started ||
            (p.container_started == pods_[victim].container_started &&
             p.ordinal > pods_[victim].ordinal)) {
          victim = pod;
        }
      }
    }
    if (!g.isolated && g.memory_used <= g.memory_total + 1.0) return;
    if (victim == kNone) return;
    crash(victim);
  }
}

}  // namespace userscale::sim
