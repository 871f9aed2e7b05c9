// Requests: arrival, routing, the per-pod concurrency limit and queue, the CPU phase on the
// pod and the GPU phase on the (possibly shared) device, completion, timeouts.
#include <algorithm>
#include <cmath>

#include "sim/distribution.h"
#include "sim/world.h"

namespace userscale::sim {
namespace {
bool serving(const Pod& p) {
  return p.state == PodState::Ready || p.state == PodState::Terminating;
}
}  // namespace

void World::on_arrival(const Arrival& a, std::uint32_t user) {
  std::uint32_t id;
  if (!free_requests_.empty()) {
    id = free_requests_.back();
    free_requests_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(requests_.size());
    requests_.emplace_back();
  }
  Request& r = requests_[id];
  r.arrival = now_;
  r.user = user;
  r.pod = kNone;
  r.client_gone = false;
  r.memory = svc_.memory_per_request_bytes;
  r.cpu_work = sample(svc_.cpu_cost, cost_rng_);
  if (svc_.llm) {
    const auto& llm = *svc_.llm;
    const double in =
        a.input_tokens >= 0 ? a.input_tokens : std::round(sample(llm.input_tokens, cost_rng_));
    const double out =
        a.output_tokens >= 0 ? a.output_tokens : std::round(sample(llm.output_tokens, cost_rng_));
    r.gpu_work = llm.prefill_seconds_per_token * in + llm.decode_seconds_per_step * out;
    r.kv_bytes = llm.kv_bytes_per_token * (in + out);
  } else {
    r.gpu_work = sample(svc_.gpu_cost, cost_rng_);
    r.kv_bytes = 0.0;
  }
  r.will_fail = svc_.failure_probability > 0.0 && rng_.bernoulli(svc_.failure_probability);
  ++arrived_;
  ++period_arrivals_;
  ++service_counters_.arrivals;
  if (svc_.timeout > 0.0) events_.push(now_ + svc_.timeout, EventKind::RequestTimeout, id, r.gen);
  route(id);
}

std::uint32_t World::pick_pod() {
  const std::size_t n = routable_.size();
  if (n == 0) return kNone;
  switch (svc_.load_balancing) {
    case config::LoadBalancing::RoundRobin:
      return routable_[rr_next_++ % n];
    case config::LoadBalancing::Random:
      return routable_[rng_.below(n)];
    case config::LoadBalancing::LeastOutstanding: {
      std::uint32_t best = kNone;
      std::size_t best_load = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t id = routable_[(rr_next_ + k) % n];
        const std::size_t load =
            static_cast<std::size_t>(pods_[id].in_service) + pods_[id].queue.size();
        if (best == kNone || load < best_load) {
          best = id;
          best_load = load;
        }
      }
      ++rr_next_;
      return best;
    }
  }
  return routable_[0];
}

void World::route(std::uint32_t id) {
  const std::uint32_t pod = pick_pod();
  if (pod == kNone) {
    requests_[id].phase = ReqPhase::Buffered;
    buffer_.push(id);
    ++queued_;
    return;
  }
  deliver(pod, id);
}

void World::dispatch_buffer() {
  while (!buffer_.empty() && !routable_.empty()) {
    const std::uint32_t id = buffer_.pop();
    --queued_;
    if (requests_[id].client_gone) {
      free_request(id);
      continue;
    }
    deliver(pick_pod(), id);
  }
}

bool World::admits(const Pod& p, const Request& r) const {
  if (svc_.concurrency > 0 && p.in_service >= svc_.concurrency) return false;
  return r.kv_bytes <= 0.0 || p.in_service == 0 || p.kv_used + r.kv_bytes <= p.kv_budget;
}

void World::deliver(std::uint32_t pod, std::uint32_t id) {
  Pod& p = pods_[pod];
  Request& r = requests_[id];
  r.pod = pod;
  ++p.counters.arrivals;
  if (p.queue.empty() && admits(p, r)) {
    start_service(pod, id);
  } else if (svc_.queue_capacity < 0 ||
             p.queue.size() < static_cast<std::size_t>(svc_.queue_capacity)) {
    r.phase = ReqPhase::Queued;
    p.queue.push(id);
    ++queued_;
  } else {
    ++p.counters.failures;
    record_outcome(id, Outcome::Rejected);
    free_request(id);
  }
}

void World::start_service(std::uint32_t pod, std::uint32_t id) {
  Pod& p = pods_[pod];
  Request& r = requests_[id];
  ++p.in_service;
  ++in_flight_;
  p.kv_used += r.kv_bytes;
  if (r.cpu_work > 0.0) {
    r.phase = ReqPhase::Cpu;
    p.cpu.advance(now_);
    p.cpu.add(r.cpu_work, id);
    cpu_changed(pod);
  } else {
    start_gpu(pod, id);
  }
}

void World::cpu_changed(std::uint32_t pod) {
  Pod& p = pods_[pod];
  p.cpu.advance(now_);
  const double n = static_cast<double>(p.cpu.size());
  // Each request is one thread: at most one core each, the pod's CPU limit shared among them.
  p.cpu.set_rate(n > 0.0 ? std::min(1.0, svc_.cpu_limit_cores / n) : 0.0);
  update_cpu_usage(p);
  const double next = p.cpu.next_finish(now_);
  if (next < p.cpu_next_event) {
    p.cpu_next_event = next;
    events_.push(next, EventKind::CpuDone, pod);
  }
}

void World::on_cpu_done(std::uint32_t pod, double time) {
  Pod& p = pods_[pod];
  if (time == p.cpu_next_event) p.cpu_next_event = kInf;
  p.cpu.advance(now_);
  cpu_scratch_.clear();
  while (p.cpu.front_done(now_)) cpu_scratch_.emplace_back(pod, p.cpu.pop_front());
  for (const auto& [pd, id] : cpu_scratch_) start_gpu(pd, id);
  cpu_changed(pod);
}

void World::update_cpu_usage(Pod& p) {
  double cores = 0.0;
  if (p.state == PodState::Starting || p.state == PodState::Ready ||
      p.state == PodState::Terminating) {
    const double on_cpu = static_cast<double>(p.cpu.size());
    const double on_gpu = static_cast<double>(p.in_service) - on_cpu;
    cores = std::min(svc_.cpu_limit_cores, svc_.cpu_idle_cores +
                                               std::min(on_cpu, svc_.cpu_limit_cores) +
                                               svc_.cpu_cores_per_gpu_wait * on_gpu);
  }
  if (cores != p.cpu_usage.value) {
    total_cpu_.add(now_, cores - p.cpu_usage.value);
    p.cpu_usage.set(now_, cores);
  }
}

void World::device_advance(std::uint32_t dev) {
  for (std::uint32_t pod : devices_[dev].pods) pods_[pod].gpu.advance(now_);
}

void World::start_gpu(std::uint32_t pod, std::uint32_t id) {
  Pod& p = pods_[pod];
  Request& r = requests_[id];
  if (!serving(p)) {  // its pod crashed in the same instant
    --p.in_service;
    --in_flight_;
    p.kv_used -= r.kv_bytes;
    ++p.counters.failures;
    record_outcome(id, Outcome::Crashed);
    free_request(id);
    return;
  }
  if (r.gpu_work <= 0.0) {
    complete_in_pod(pod, id);
    return;
  }
  if (svc_.gpu_streams > 0 && p.gpu.size() >= static_cast<std::size_t>(svc_.gpu_streams)) {
    r.phase = ReqPhase::GpuWait;
    p.gpu_wait.push(id);
    return;
  }
  run_on_gpu(pod, id);
}

void World::run_on_gpu(std::uint32_t pod, std::uint32_t id) {
  Pod& p = pods_[pod];
  Request& r = requests_[id];
  r.phase = ReqPhase::Gpu;
  const std::uint32_t dev = p.device;
  // Only this replica's clock must be current before the job joins; device_changed() brings
  // the others there before it changes their rates.
  p.gpu.advance(now_);
  p.gpu.add(r.gpu_work, id);
  update_cpu_usage(p);
  if (r.memory > 0.0) {
    p.memory_requests += r.memory;
    gpus_[devices_[dev].gpu].memory_used += r.memory;
    device_changed(dev);
    check_memory(devices_[dev].gpu);
  } else {
    device_changed(dev);
  }
}

// The share of the device each busy replica gets, then each of its requests:
// exclusive and MIG: the replica has it all; time slicing: busy replicas take turns (less the
// context-switch overhead when more than one is busy); MPS: kernels of all replicas run at
// once, water-filled up to full occupancy. Within a replica, its requests share equally. A
// request alone uses `occupancy` of the device and then runs at full speed (its GPU cost is
// its time alone), so up to 1/occupancy of them run side by side without slowing down.
void World::device_changed(std::uint32_t dev) {
  Device& d = devices_[dev];
  int busy = 0;
  for (std::uint32_t pod : d.pods) {
    pods_[pod].gpu.advance(now_);
    if (!pods_[pod].gpu.empty()) ++busy;
  }
  d.busy.set(now_, busy > 0 ? 1.0 : 0.0);
  double next = kInf;
  const auto mode = sc_.cluster.sharing.mode;
  if (mode == config::SharingMode::Mps && busy > 1) {
    share_scratch_.clear();
    double total = 0.0;
    for (std::uint32_t pod : d.pods) {
      const double n = static_cast<double>(pods_[pod].gpu.size());
      if (n == 0) continue;
      const double demand = std::min(1.0, n * occupancy_);
      share_scratch_.push_back(demand);
      total += demand;
    }
    double level = 1.0;  // the cap that makes the allocations sum to 1
    if (total > 1.0) {
      std::sort(share_scratch_.begin(), share_scratch_.end());
      double remaining = 1.0;
      std::size_t k = share_scratch_.size();
      for (double demand : share_scratch_) {
        if (demand * static_cast<double>(k) <= remaining) {
          remaining -= demand;
          --k;
        } else {
          level = remaining / static_cast<double>(k);
          break;
        }
      }
    }
    for (std::uint32_t pod : d.pods) {
      Pod& p = pods_[pod];
      const double n = static_cast<double>(p.gpu.size());
      if (n == 0) continue;
      const double alloc = std::min(std::min(1.0, n * occupancy_), level);
      p.gpu.set_rate(d.speed * alloc / (n * occupancy_));
      next = std::min(next, p.gpu.next_finish(now_));
    }
  } else {
    double slice = 1.0;
    if (busy > 1) slice = (1.0 - sc_.cluster.sharing.switch_overhead) / busy;
    for (std::uint32_t pod : d.pods) {
      Pod& p = pods_[pod];
      const double n = static_cast<double>(p.gpu.size());
      if (n == 0) continue;
      p.gpu.set_rate(d.speed * slice * std::min(1.0, 1.0 / (n * occupancy_)));
      next = std::min(next, p.gpu.next_finish(now_));
    }
  }
  // An idle replica never finishes first: only the busy ones were asked above.
  if (next < d.next_event) {
    d.next_event = next;
    events_.push(next, EventKind::GpuDone, dev);
  }
}

void World::on_gpu_done(std::uint32_t dev, double time) {
  Device& d = devices_[dev];
  if (time == d.next_event) d.next_event = kInf;
  gpu_scratch_.clear();
  for (std::uint32_t pod : d.pods) {
    Pod& p = pods_[pod];
    p.gpu.advance(now_);
    while (p.gpu.front_done(now_)) gpu_scratch_.emplace_back(pod, p.gpu.pop_front());
  }
  for (const auto& [pod, id] : gpu_scratch_) complete_in_pod(pod, id);
  for (const auto& [pod, id] : gpu_scratch_) {
    Pod& p = pods_[pod];
    while (!p.gpu_wait.empty() &&
           (svc_.gpu_streams <= 0 || p.gpu.size() < static_cast<std::size_t>(svc_.gpu_streams))) {
      run_on_gpu(pod, p.gpu_wait.pop());
    }
  }
  device_changed(dev);
}

void World::complete_in_pod(std::uint32_t pod, std::uint32_t id) {
  Pod& p = pods_[pod];
  Request& r = requests_[id];
  --p.in_service;
  --in_flight_;
  p.kv_used -= r.kv_bytes;
  if (r.phase == ReqPhase::Gpu && r.memory > 0.0) {
    p.memory_requests -= r.memory;
    gpus_[devices_[p.device].gpu].memory_used -= r.memory;
  }
  if (r.will_fail) {
    ++p.counters.failures;
    record_outcome(id, Outcome::Failed);
  } else {
    const double latency = now_ - r.arrival;
    const std::size_t prom_bucket = PromCounters::bucket_of(latency);
    p.counters.observe_at(prom_bucket, latency);
    record_success(id, latency, prom_bucket);
  }
  free_request(id);
  update_cpu_usage(p);
  start_queued(pod);
  if (p.state == PodState::Terminating) maybe_finish_termination(pod);
}

void World::start_queued(std::uint32_t pod) {
  Pod& p = pods_[pod];
  while (serving(p) && !p.queue.empty()) {
    const std::uint32_t next = p.queue.front();
    if (requests_[next].client_gone) {
      p.queue.pop();
      --queued_;
      free_request(next);
      continue;
    }
    if (!admits(p, requests_[next])) break;
    p.queue.pop();
    --queued_;
    start_service(pod, next);
  }
}

void World::record_outcome(std::uint32_t id, Outcome outcome) {
  Request& r = requests_[id];
  if (outcome == Outcome::Ok) {
    const double latency = now_ - r.arrival;
    record_success(id, latency, PromCounters::bucket_of(latency));
    return;
  }
  if (r.client_gone) return;
  r.client_gone = true;
  switch (outcome) {
    case Outcome::Rejected:
      ++rejected_;
      break;
    case Outcome::TimedOut:
      ++timed_out_;
      break;
    case Outcome::Crashed:
      ++crashed_;
      break;
    default:
      ++failed_other_;
      break;
  }
  ++period_failed_;
  ++service_counters_.failures;
  if (r.user != kNone) next_user_request(r.user);
}

void World::record_success(std::uint32_t id, double latency, std::size_t prom_bucket) {
  Request& r = requests_[id];
  if (r.client_gone) return;
  r.client_gone = true;
  ++completed_;
  ++period_completed_;
  const int bucket = LatencyHistogram::bucket_of(latency);
  latency_all_.add_at(bucket, latency);
  latency_period_.add_at(bucket, latency);
  if (latency * 1000.0 <= sc_.slo.latency_ms) ++slo_ok_;
  service_counters_.observe_at(prom_bucket, latency);
  if (r.user != kNone) next_user_request(r.user);
}

void World::next_user_request(std::uint32_t user) {
  events_.push(now_ + sample(sc_.load.think, load_rng_), EventKind::UserRequest, user);
}

void World::free_request(std::uint32_t id) {
  Request& r = requests_[id];
  r.phase = ReqPhase::Free;
  ++r.gen;
  free_requests_.push_back(id);
}

void World::on_timeout(std::uint32_t id, std::uint32_t gen) {
  Request& r = requests_[id];
  if (r.gen != gen || r.phase == ReqPhase::Free || r.client_gone) return;
  // The client gives up; the server does not know and finishes (or drops, if still queued)
  // the work later.
  record_outcome(id, Outcome::TimedOut);
}

}  // namespace userscale::sim
