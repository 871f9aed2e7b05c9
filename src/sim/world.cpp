#include "sim/world.h"

#include <algorithm>
#include <cmath>

#include "sim/simulator.h"

namespace userscale::sim {

World::World(const config::Scenario& scenario, std::unique_ptr<Policy> policy,
             const config::Trace* trace, Sink* sink)
    : sc_(scenario),
      svc_(scenario.service),
      policy_(std::move(policy)),
      trace_(trace),
      sink_(sink),
      rng_(scenario.seed) {
  // Independent streams, derived in a fixed order: a change in one concern (say, the number of
  // placement draws) does not shift the request costs.
  cost_rng_ = rng_.split();
  load_rng_ = rng_.split();
  pod_rng_ = rng_.split();
  node_rng_ = rng_.split();
  Rng arrivals_rng = rng_.split();
  occupancy_ =
      svc_.llm ? 1.0 / std::max(1, svc_.llm->max_batch) : std::clamp(svc_.gpu_occupancy, 1e-6, 1.0);
  spec_ = sc_.autoscaler;
  policy_name_ = policy_ ? policy_->name() : "none";
  events_.reserve(1024);
  requests_.reserve(1024);

  const auto scrape_ring = static_cast<std::size_t>(std::ceil(
                               sc_.metrics.rate_window / sc_.metrics.scrape_interval - 1e-9)) +
                           1;
  service_scrapes_.reset(scrape_ring);

  // Nodes: timeline columns are reserved per pool for its largest size.
  const bool autoscale_nodes = sc_.cluster.node_autoscaler.kind != config::NodeAutoscalerKind::None;
  for (std::size_t p = 0; p < sc_.cluster.pools.size(); ++p) {
    const auto& pool = sc_.cluster.pools[p];
    const int most =
        autoscale_nodes ? std::max(pool.max_nodes, pool.initial_nodes) : pool.initial_nodes;
    pool_slots_.emplace_back(static_cast<std::size_t>(most), false);
    pool_column_base_.push_back(gpu_columns_);
    gpu_columns_ += most * pool.gpus_per_node;
  }
  for (std::size_t p = 0; p < sc_.cluster.pools.size(); ++p) {
    for (int i = 0; i < sc_.cluster.pools[p].initial_nodes; ++i) {
      add_node(static_cast<std::uint32_t>(p), true);
    }
  }

  // The initial replicas were running before the experiment began: ready at t = 0.
  desired_ = svc_.initial_replicas;
  for (int i = 0; i < desired_; ++i) new_pod();
  for (std::uint32_t i = 0; i < pods_.size(); ++i) {
    if (pods_[i].state != PodState::Pending) continue;
    const std::uint32_t dev = choose_device();
    if (dev == kNone) break;
    bind(i, dev);
    make_ready_now(i);
  }

  // Load.
  if (sc_.load.kind == config::LoadKind::Closed) {
    for (int u = 0; u < sc_.load.users; ++u) {
      const double t = sc_.load.users > 0 ? sc_.load.ramp_up * u / sc_.load.users : 0.0;
      events_.push(t, EventKind::UserRequest, static_cast<std::uint32_t>(u));
    }
  } else {
    stream_.emplace(sc_.load, trace_, arrivals_rng);
    next_arrival_ = stream_->next();
    if (std::isfinite(next_arrival_.time)) {
      events_.push_side(next_arrival_.time, EventKind::Arrival);
    }
  }

  // The periodic loops.
  events_.push(0.0, EventKind::MetricsServerSample);
  events_.push(0.0, EventKind::PrometheusScrape);
  events_.push(0.0, EventKind::DcgmSample);
  events_.push(spec_.sync_period_seconds, EventKind::ControllerTick);
  events_.push(sc_.sample_period, EventKind::TimelineSample);
  if (autoscale_nodes) events_.push(sc_.cluster.node_autoscaler.scan_interval, EventKind::NodeScan);
  events_.push(sc_.duration, EventKind::End);
}

Summary World::run() {
  while (!events_.empty()) {
    const Event e = events_.pop();
    if (e.time > sc_.duration) break;
    now_ = e.time;
    ++events_processed_;
    switch (e.kind) {
      case EventKind::Arrival: {
        // The stream's next arrival is drawn lazily: one Arrival event in the queue at a time.
        const Arrival a = next_arrival_;
        on_arrival(a, kNone);
        next_arrival_ = stream_->next();
        if (std::isfinite(next_arrival_.time)) {
          events_.push_side(std::max(next_arrival_.time, now_), EventKind::Arrival);
        }
        break;
      }
      case EventKind::UserRequest:
        on_arrival(Arrival{now_, -1, -1}, e.a);
        break;
      case EventKind::CpuDone:
        on_cpu_done(e.a, e.time);
        break;
      case EventKind::GpuDone:
        on_gpu_done(e.a, e.time);
        break;
      case EventKind::PodBound:
        if (pods_[e.a].incarnation == e.b) on_pod_bound(e.a);
        break;
      case EventKind::PodLoaded:
        if (pods_[e.a].incarnation == e.b) on_pod_loaded(e.a);
        break;
      case EventKind::PodReady:
        if (pods_[e.a].incarnation == e.b) on_pod_ready(e.a);
        break;
      case EventKind::PodRestart:
        if (pods_[e.a].incarnation == e.b) start_container(e.a, false);
        break;
      case EventKind::PodKill:
        if (pods_[e.a].incarnation == e.b && pods_[e.a].state == PodState::Terminating) {
          fail_all(e.a);
          release(e.a);
        }
        break;
      case EventKind::RequestTimeout:
        on_timeout(e.a, e.b);
        break;
      case EventKind::ControllerTick:
        on_controller_tick();
        events_.push(now_ + spec_.sync_period_seconds, EventKind::ControllerTick);
        break;
      case EventKind::MetricsServerSample:
        on_metrics_server();
        events_.push(now_ + sc_.metrics.metrics_server_resolution, EventKind::MetricsServerSample);
        break;
      case EventKind::PrometheusScrape:
        on_scrape();
        events_.push(now_ + sc_.metrics.scrape_interval, EventKind::PrometheusScrape);
        break;
      case EventKind::DcgmSample:
        on_dcgm();
        events_.push(now_ + sc_.metrics.dcgm_interval, EventKind::DcgmSample);
        break;
      case EventKind::TimelineSample:
        on_timeline();
        events_.push(now_ + sc_.sample_period, EventKind::TimelineSample);
        break;
      case EventKind::NodeReady:
        if (nodes_[e.a].incarnation == e.b) on_node_ready(e.a);
        break;
      case EventKind::NodeScan:
        on_node_scan();
        events_.push(now_ + sc_.cluster.node_autoscaler.scan_interval, EventKind::NodeScan);
        break;
      case EventKind::SpotNotice:
        if (nodes_[e.a].incarnation == e.b) on_spot_notice(e.a);
        break;
      case EventKind::NodeGone:
        if (nodes_[e.a].incarnation == e.b) remove_node(e.a);
        break;
      case EventKind::End:
        now_ = sc_.duration;
        return summarize();
    }
  }
  now_ = sc_.duration;
  return summarize();
}

Result<Summary> simulate(const SimInputs& in) {
  if (!in.scenario) return Error{"simulate", "no scenario"};
  const config::Scenario& sc = *in.scenario;
  if (sc.load.kind == config::LoadKind::Trace && !in.trace) {
    return Error{"load.trace", "the scenario replays a trace but none was loaded"};
  }
  if (sc.cluster.pools.empty()) return Error{"cluster.nodes", "no node pool"};
  if (!in.make_policy) return Error{"simulate", "no policy factory"};
  std::unique_ptr<Policy> policy = in.make_policy();
  if (!policy) return Error{"policy", "the policy factory returned nothing"};
  World world(sc, std::move(policy), in.trace, in.sink);
  return world.run();
}

}  // namespace userscale::sim
