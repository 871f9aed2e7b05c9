// What the autoscaler can see, with the lags of a real cluster: metrics-server CPU windows,
// Prometheus scrapes of the pods and of the DCGM exporter; the controller tick; the timeline
// and the summary (these two see the truth, not the lagged view).
#include <algorithm>
#include <cmath>

#include "core/reconcile.h"
#include "sim/world.h"

namespace userscale::sim {
namespace {

bool container_running(PodState s) {
  return s == PodState::Starting || s == PodState::Ready || s == PodState::Terminating;
}
bool serving(PodState s) {
  return s == PodState::Ready || s == PodState::Terminating;
}

std::int64_t to_milli(double v) {
  return static_cast<std::int64_t>(std::llround(v * 1000.0));
}

}  // namespace

double World::gpu_busy(const Gpu& g) const {
  double busy = 0.0;
  for (std::uint32_t dv : g.devices) {
    busy += devices_[dv].busy.at(now_) * devices_[dv].compute_fraction;
  }
  return busy;
}

void World::on_metrics_server() {
  for (Pod& p : pods_) {
    if (!container_running(p.state)) {
      p.published_cpu.reset();
      continue;
    }
    const std::size_t cap = p.ms_times.size();
    p.ms_times[p.ms_head] = now_;
    p.ms_cum[p.ms_head] = p.cpu_usage.at(now_);
    const std::size_t newest = p.ms_head;
    p.ms_head = (p.ms_head + 1) % cap;
    if (p.ms_count < cap) ++p.ms_count;
    if (p.ms_count < 2) continue;  // metrics-server needs two samples for a rate
    const std::size_t oldest = (newest + cap - (p.ms_count - 1)) % cap;
    const double window = p.ms_times[newest] - p.ms_times[oldest];
    if (window <= 0.0) continue;
    const double cores = (p.ms_cum[newest] - p.ms_cum[oldest]) / window;
    PodResourceMetrics m;
    m.pod = p.name;
    m.timestamp = sc_.start_time + now_;
    m.window = window;
    m.containers.push_back(ContainerUsage{"app", {{"cpu", to_milli(cores)}}});
    p.published_cpu = std::move(m);
  }
}

void World::on_scrape() {
  for (Pod& p : pods_) {
    if (!serving(p.state)) continue;
    PromSample s;
    s.time = now_;
    s.counters = p.counters;
    s.in_flight = p.in_service;
    s.queued = static_cast<double>(p.queue.size());
    p.scrapes.push(s);
  }
  PromSample s;
  s.time = now_;
  s.counters = service_counters_;
  s.in_flight = in_flight_;
  s.queued = queued_;
  service_scrapes_.push(s);
  for (Gpu& g : gpus_) {
    if (!g.alive) continue;
    g.scraped_util = g.dcgm_util;
    g.scraped_mem = g.memory_used;
    g.scraped_time = now_;
  }
}

void World::on_dcgm() {
  for (Gpu& g : gpus_) {
    if (!g.alive) continue;
    const double busy = gpu_busy(g);
    const double dt = now_ - g.dcgm_time;
    if (dt > 0.0) g.dcgm_util = std::clamp(100.0 * (busy - g.busy_at_dcgm) / dt, 0.0, 100.0);
    g.busy_at_dcgm = busy;
    g.dcgm_time = now_;
  }
}

Observation World::observe() const {
  Observation obs;
  const double t0 = sc_.start_time;
  obs.now = t0 + now_;
  obs.scale.spec_replicas = desired_;
  obs.scale.status_replicas = active_pods();
  obs.scale.selector = "app=" + svc_.name;
  std::vector<PodResourceMetrics> resource;
  const bool closed = sc_.load.kind == config::LoadKind::Closed;
  // Pods in creation order, as a list call would return them (sorted by name is also fine).
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < pods_.size(); ++i) {
    if (pods_[i].state != PodState::Gone) order.push_back(i);
  }
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t x, std::uint32_t y) { return pods_[x].ordinal < pods_[y].ordinal; });
  for (std::uint32_t i : order) {
    const Pod& p = pods_[i];
    PodInfo info;
    info.name = p.name;
    info.labels = {{"app", svc_.name}};
    info.deleting = p.state == PodState::Terminating;
    info.phase = (p.state == PodState::Pending || p.state == PodState::Binding) ? PodPhase::Pending
                                                                                : PodPhase::Running;
    if (p.start_time) info.start_time = t0 + *p.start_time;
    PodReadyCondition ready;
    ready.status = p.state == PodState::Ready ? ConditionStatus::True : ConditionStatus::False;
    ready.last_transition_time = t0 + p.ready_transition.value_or(p.created);
    info.ready = ready;
    info.containers.push_back(ContainerInfo{
        "app", {{"cpu", to_milli(svc_.cpu_request_cores)}, {"nvidia.com/gpu", 1000}}});
    const Gpu* gpu = nullptr;
    if (p.device != kNone && info.phase == PodPhase::Running) {
      gpu = &gpus_[devices_[p.device].gpu];
      info.gpu_uuid = gpu->uuid;
    }
    if (p.published_cpu) {
      resource.push_back(*p.published_cpu);
      info.serving.cpu_utilization =
          100.0 * static_cast<double>(p.published_cpu->containers[0].usage_milli.at("cpu")) /
          (1000.0 * svc_.cpu_request_cores);
    }
    if (!p.scrapes.empty() && serving(p.state)) {
      const PromSample& last = p.scrapes.latest();
      const WindowStats w = window_stats(p.scrapes.oldest(), last);
      ServingSignals& s = info.serving;
      s.in_flight = last.in_flight;
      s.queued = last.queued;
      s.sample_time = t0 + last.time;
      s.window = w.window;
      if (w.window > 0.0) {
        s.arrival_rate = w.arrival_rate;
        s.completion_rate = w.completion_rate;
        if (w.has_latency) {
          s.latency_mean_ms = 1000.0 * w.latency_mean_s;
          s.latency_p95_ms = 1000.0 * w.quantile_s(0.95);
        }
      }
      if (closed) s.concurrent_users = last.in_flight + last.queued;
      if (gpu) {
        s.gpu_utilization = gpu->scraped_util;
        s.gpu_memory_used_bytes = gpu->scraped_mem;
      }
      auto custom = [&](const char* metric, double value) {
        CustomMetricValue v;
        v.object_kind = "Pod";
        v.object_name = p.name;
        v.metric_name = metric;
        v.value_milli = to_milli(value);
        v.timestamp = t0 + last.time;
        v.window = w.window > 0.0 ? std::optional<Duration>(w.window) : std::nullopt;
        obs.custom_metrics.push_back(std::move(v));
      };
      custom("requests_in_flight", last.in_flight);
      custom("requests_queued", last.queued);
      if (s.arrival_rate) custom("requests_per_second", *s.arrival_rate);
      if (s.latency_mean_ms) custom("request_latency_ms", *s.latency_mean_ms);
      if (gpu && gpu->scraped_util) custom("DCGM_FI_DEV_GPU_UTIL", *gpu->scraped_util);
    }
    obs.pods.push_back(std::move(info));
  }
  obs.pod_metrics = std::move(resource);

  for (std::uint32_t gi = 0; gi < gpus_.size(); ++gi) {
    const Gpu& g = gpus_[gi];
    if (!g.alive) continue;
    GpuInfo info;
    info.uuid = g.uuid;
    info.model = sc_.cluster.pools[nodes_[g.node].pool].gpu_model;
    info.utilization = g.scraped_util;
    info.memory_used_bytes = g.scraped_mem;
    info.memory_total_bytes = g.memory_total;
    if (g.scraped_util) info.sample_time = t0 + g.scraped_time;
    for (std::uint32_t i : order) {
      const Pod& p = pods_[i];
      if (p.device != kNone && devices_[p.device].gpu == gi && p.state != PodState::Pending &&
          p.state != PodState::Binding) {
        info.pods.push_back(p.name);
      }
    }
    obs.gpus.push_back(std::move(info));
  }

  if (!service_scrapes_.empty()) {
    const PromSample& last = service_scrapes_.latest();
    const WindowStats w = window_stats(service_scrapes_.oldest(), last);
    obs.service.queued = last.queued;
    obs.service.sample_time = t0 + last.time;
    obs.service.window = w.window;
    if (w.window > 0.0) {
      obs.service.arrival_rate = w.arrival_rate;
      if (w.has_latency) {
        obs.service.latency_p50_ms = 1000.0 * w.quantile_s(0.50);
        obs.service.latency_p95_ms = 1000.0 * w.quantile_s(0.95);
        obs.service.latency_p99_ms = 1000.0 * w.quantile_s(0.99);
      }
    }
  }
  return obs;
}

void World::on_controller_tick() {
  if (!policy_) return;
  const Observation obs = observe();
  const Decision d = reconcile(*policy_, spec_, sc_.hpa, behavior_, obs);
  if (d.rescale) ++scaling_events_;
  const std::int32_t desired = d.desired_replicas;
  const bool rescale = d.rescale;
  if (sink_) {
    DecisionRecord rec;
    rec.t = now_;
    rec.target = spec_.scale_target_ref.name.empty() ? svc_.name : spec_.scale_target_ref.name;
    rec.policy = policy_name_;
    rec.decision = d;
    sink_->on_decision(rec);
  }
  if (rescale && desired != desired_) scale_to(desired);
}

void World::on_timeline() {
  const double period = sc_.sample_period;
  TimelineRow row;
  row.t = now_;
  row.desired = desired_;
  row.gpu_util.assign(static_cast<std::size_t>(gpu_columns_), 0.0);
  for (const Pod& p : pods_) {
    if (p.state == PodState::Ready) ++row.ready;
    if (p.state == PodState::Pending || p.state == PodState::Binding) ++row.pending;
  }
  row.pods = static_cast<std::int32_t>(std::lround(bound_pods_.value));
  for (const Node& n : nodes_) {
    if (n.state != NodeState::Gone) ++row.nodes;
  }
  for (Gpu& g : gpus_) {
    if (!g.alive) continue;
    const double busy = gpu_busy(g);
    if (g.column >= 0 && g.column < gpu_columns_) {
      row.gpu_util[static_cast<std::size_t>(g.column)] =
          std::clamp(100.0 * (busy - g.busy_at_timeline) / period, 0.0, 100.0);
    }
    g.busy_at_timeline = busy;
  }
  const double cpu = total_cpu_.at(now_);
  row.cpu_cores = (cpu - cpu_at_timeline_) / period;
  cpu_at_timeline_ = cpu;
  row.in_flight = in_flight_;
  row.queued = queued_;
  row.latency_p50_ms = 1000.0 * latency_period_.quantile(0.50);
  row.latency_p95_ms = 1000.0 * latency_period_.quantile(0.95);
  row.latency_p99_ms = 1000.0 * latency_period_.quantile(0.99);
  row.arrivals_rps = static_cast<double>(period_arrivals_) / period;
  row.throughput_rps = static_cast<double>(period_completed_) / period;
  row.failures_rps = static_cast<double>(period_failed_) / period;
  latency_period_.clear();
  period_arrivals_ = period_completed_ = period_failed_ = 0;
  if (sink_) sink_->on_sample(row);
}

Summary World::summarize() const {
  Summary s;
  s.scenario = sc_.name;
  s.policy = policy_name_;
  s.seed = sc_.seed;
  s.duration = sc_.duration;
  s.requests = arrived_;
  s.completed = completed_;
  s.rejected = rejected_;
  s.timed_out = timed_out_;
  s.crashed = crashed_;
  s.failed = rejected_ + timed_out_ + crashed_ + failed_other_;
  s.oom_kills = oom_kills_;
  s.node_consolidations = consolidations_;
  s.throughput_rps = sc_.duration > 0.0 ? static_cast<double>(completed_) / sc_.duration : 0.0;
  s.latency_mean_ms = 1000.0 * latency_all_.mean();
  s.latency_p50_ms = 1000.0 * latency_all_.quantile(0.50);
  s.latency_p95_ms = 1000.0 * latency_all_.quantile(0.95);
  s.latency_p99_ms = 1000.0 * latency_all_.quantile(0.99);
  s.latency_max_ms = 1000.0 * latency_all_.max();
  s.slo_latency_ms = sc_.slo.latency_ms;
  // A request still unanswered at the end that is already older than the SLO has missed it: it
  // counts against the SLO, or a policy that strands requests in a queue past the end of a run
  // would look better for it.
  const double slo_seconds = sc_.slo.latency_ms / 1000.0;
  for (const Request& r : requests_) {
    if (r.phase != ReqPhase::Free && !r.client_gone && now_ - r.arrival > slo_seconds) {
      ++s.unfinished_late;
    }
  }
  const std::uint64_t judged = s.completed + s.failed + s.unfinished_late;
  s.slo_attainment = judged ? static_cast<double>(slo_ok_) / static_cast<double>(judged) : 1.0;
  s.replica_seconds = bound_pods_.at(now_);
  s.gpu_seconds = gpu_share_.at(now_);
  double busy = 0.0;
  for (const Gpu& g : gpus_) busy += gpu_busy(g);
  s.gpu_busy_seconds = busy;
  s.node_seconds = node_count_.at(now_);
  s.cost_usd = cost_rate_.at(now_);
  s.avg_replicas = sc_.duration > 0.0 ? s.replica_seconds / sc_.duration : 0.0;
  s.max_replicas = max_bound_;
  s.scaling_events = scaling_events_;
  s.events_processed = events_processed_;
  return s;
}

}  // namespace userscale::sim
