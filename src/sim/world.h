// The simulator's state and its event handlers (internal to src/sim). One World runs one
// scenario; the handlers live in world_*.cpp by concern: requests, pods, metrics, nodes.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/scenario.h"
#include "config/trace.h"
#include "core/behavior.h"
#include "core/observation.h"
#include "core/policy.h"
#include "sim/arrivals.h"
#include "sim/event_queue.h"
#include "sim/histogram.h"
#include "sim/prom_counters.h"
#include "sim/ps_group.h"
#include "sim/results.h"
#include "sim/ring_queue.h"
#include "sim/rng.h"

namespace userscale::sim {

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

enum class ReqPhase : std::uint8_t { Free, Buffered, Queued, Cpu, GpuWait, Gpu };
enum class Outcome : std::uint8_t { Ok, Rejected, TimedOut, Crashed, Failed };

struct Request {
  double arrival = 0.0;
  double cpu_work = 0.0;
  double gpu_work = 0.0;
  double memory = 0.0;    // GPU bytes while in the GPU phase
  double kv_bytes = 0.0;  // llm: KV-cache bytes held while admitted
  std::uint32_t user = kNone;
  std::uint32_t pod = kNone;
  std::uint32_t gen = 0;  // bumped on reuse: stale timeouts are ignored
  ReqPhase phase = ReqPhase::Free;
  bool client_gone = false;  // timed out: the client has already been told
  bool will_fail = false;
};

enum class PodState : std::uint8_t {
  Pending,
  Binding,
  Starting,
  Ready,
  Backoff,
  Terminating,
  Gone
};

struct Pod {
  PodState state = PodState::Pending;
  std::uint32_t incarnation = 0;  // bumped on every state change that voids scheduled events
  std::uint64_t ordinal = 0;
  std::string name;
  double created = 0.0;
  std::optional<double> start_time;  // bound to a node (the kubelet started it)
  double container_started = 0.0;    // last (re)start: the newest replica dies first on OOM
  std::optional<double> ready_since;
  std::optional<double> ready_transition;
  std::uint32_t device = kNone;
  int restarts = 0;
  double backoff = 0.0;
  bool routable = false;
  bool memory_loaded = false;
  double memory_requests = 0.0;  // GPU bytes held by its requests in the GPU phase
  double kv_used = 0.0;
  double kv_budget = kInf;
  PsGroup cpu;
  double cpu_next_event = kInf;
  PsGroup gpu;
  RingQueue gpu_wait;  // admitted requests waiting for one of the replica's GPU streams
  RingQueue queue;
  int in_service = 0;    // in the CPU or GPU phase
  Integrator cpu_usage;  // cores; its integral is CPU-seconds
  // metrics-server: cumulative CPU-seconds at each resolution tick
  std::vector<double> ms_times, ms_cum;
  std::size_t ms_count = 0, ms_head = 0;
  std::optional<PodResourceMetrics> published_cpu;  // what metrics-server serves now
  PromCounters counters;
  ScrapeRing scrapes;
};

struct Device {  // a schedulable GPU domain: a whole GPU, or one MIG partition
  std::uint32_t gpu = 0;
  std::uint32_t node = 0;
  double speed = 1.0;
  double compute_fraction = 1.0;  // of the physical GPU
  double memory_bytes = 0.0;      // MIG: the partition's own memory; else the card's
  double slot_share = 1.0;        // GPU time one replica holds (gpu_seconds)
  int slots = 1;
  std::vector<std::uint32_t> pods;  // bound here
  double next_event = kInf;
  Integrator busy;  // 1 while any kernel runs
};

struct Gpu {
  std::uint32_t node = 0;
  int column = 0;  // timeline column
  std::string uuid;
  double memory_total = 0.0;
  double memory_used = 0.0;
  bool isolated = false;  // MIG: memory is per partition
  std::vector<std::uint32_t> devices;
  double busy_at_dcgm = 0.0, busy_at_timeline = 0.0;
  double dcgm_time = 0.0;
  std::optional<double> dcgm_util;  // last DCGM sample
  std::optional<double> scraped_util, scraped_mem;
  double scraped_time = 0.0;
  bool alive = true;
};

enum class NodeState : std::uint8_t { Provisioning, Ready, Cordoned, Gone };

struct Node {
  std::uint32_t pool = 0;
  int slot = 0;  // position within its pool (timeline columns)
  NodeState state = NodeState::Provisioning;
  std::uint32_t incarnation = 0;
  double created = 0.0;
  double image_ready_at = kInf;  // the service image is on the node from then on
  double empty_since = 0.0;
  double consolidatable_since = -1.0;  // its pods have fitted elsewhere since then; -1: they do not
  int bound_pods = 0;
  std::vector<std::uint32_t> gpus;
};

class World {
 public:
  World(const config::Scenario& scenario, std::unique_ptr<Policy> policy,
        const config::Trace* trace, Sink* sink);
  Summary run();

  // --- requests (world_requests.cpp)
  void on_arrival(const Arrival& a, std::uint32_t user);
  void route(std::uint32_t req);
  void deliver(std::uint32_t pod, std::uint32_t req);
  bool admits(const Pod& p, const Request& r) const;
  void start_service(std::uint32_t pod, std::uint32_t req);
  void start_gpu(std::uint32_t pod, std::uint32_t req);
  void run_on_gpu(std::uint32_t pod, std::uint32_t req);
  void record_outcome(std::uint32_t req, Outcome outcome);
  // record_outcome(Ok) with the latency and its Prometheus bucket already computed.
  void record_success(std::uint32_t req, double latency, std::size_t prom_bucket);
  void next_user_request(std::uint32_t user);  // a closed-loop user thinks, then sends
  void free_request(std::uint32_t req);
  void complete_in_pod(std::uint32_t pod, std::uint32_t req);
  void start_queued(std::uint32_t pod);
  void device_advance(std::uint32_t dev);
  double gpu_busy(const Gpu& g) const;
  double device_memory_used(const Device& d) const;
  void cpu_changed(std::uint32_t pod);
  void device_changed(std::uint32_t dev);
  void on_cpu_done(std::uint32_t pod, double time);
  void on_gpu_done(std::uint32_t dev, double time);
  void on_timeout(std::uint32_t req, std::uint32_t gen);
  void update_cpu_usage(Pod& p);
  void dispatch_buffer();
  std::uint32_t pick_pod();

  // --- pods (world_pods.cpp)
  void scale_to(int desired);
  std::uint32_t new_pod();
  void try_schedule();
  std::uint32_t choose_device();
  void bind(std::uint32_t pod, std::uint32_t dev);
  void on_pod_bound(std::uint32_t pod);
  void start_container(std::uint32_t pod, bool pull_image);
  void on_pod_loaded(std::uint32_t pod);
  void on_pod_ready(std::uint32_t pod);
  void make_ready_now(std::uint32_t pod);
  void crash(std::uint32_t pod);
  void fail_all(std::uint32_t pod);
  void terminate(std::uint32_t pod);
  void maybe_finish_termination(std::uint32_t pod);
  void release(std::uint32_t pod);
  void check_memory(std::uint32_t gpu);
  void set_routable(std::uint32_t pod, bool on);
  int active_pods() const;

  // --- metrics, controller, timeline (world_metrics.cpp)
  void on_metrics_server();
  void on_scrape();
  void on_dcgm();
  void on_controller_tick();
  void on_timeline();
  Observation observe() const;
  Summary summarize() const;

  // --- nodes (world_nodes.cpp)
  void add_node(std::uint32_t pool, bool ready_now);
  void on_node_ready(std::uint32_t node);
  void on_node_scan();
  void on_spot_notice(std::uint32_t node);
  void consolidate();
  // Cordons the node, terminates its pods (the ReplicaSet replaces them elsewhere) and removes
  // the node after `gone_after` seconds.
  void drain_node(std::uint32_t node, double gone_after);
  void remove_node(std::uint32_t node);
  int pool_nodes(std::uint32_t pool) const;

  // state
  const config::Scenario& sc_;
  const config::ServiceSpec& svc_;
  std::unique_ptr<Policy> policy_;
  const config::Trace* trace_;
  Sink* sink_;
  Rng rng_;       // placement, failures, routing
  Rng cost_rng_;  // request costs
  Rng load_rng_;  // think times
  Rng pod_rng_;   // startup durations, back-off jitter
  Rng node_rng_;  // provisioning, spot
  std::optional<ArrivalStream> stream_;
  Arrival next_arrival_;
  EventQueue events_;
  double now_ = 0.0;

  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::vector<Pod> pods_;
  std::vector<std::uint32_t> free_pods_;
  std::vector<std::uint32_t> routable_;
  std::size_t rr_next_ = 0;
  RingQueue buffer_;  // requests held while no replica is ready (an activator)
  std::vector<Device> devices_;
  std::vector<Gpu> gpus_;
  std::vector<Node> nodes_;
  std::vector<std::vector<bool>> pool_slots_;
  std::vector<int> pool_column_base_;
  int gpu_columns_ = 0;
  std::uint64_t next_ordinal_ = 0;
  int desired_ = 0;
  double occupancy_ = 1.0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cpu_scratch_, gpu_scratch_;  // (pod, req)
  std::vector<double> share_scratch_;

  // the controller
  AutoscalerSpec spec_;
  BehaviorState behavior_;
  std::string policy_name_;

  // service-level Prometheus view
  PromCounters service_counters_;
  ScrapeRing service_scrapes_;
  double scrape_in_flight_ = 0.0, scrape_queued_ = 0.0;

  // statistics
  LatencyHistogram latency_all_, latency_period_;
  std::uint64_t arrived_ = 0, completed_ = 0, rejected_ = 0, timed_out_ = 0, crashed_ = 0,
                failed_other_ = 0, slo_ok_ = 0, oom_kills_ = 0, scaling_events_ = 0,
                consolidations_ = 0, events_processed_ = 0;
  std::uint64_t period_arrivals_ = 0, period_completed_ = 0, period_failed_ = 0;
  double cpu_at_timeline_ = 0.0;
  Integrator bound_pods_, gpu_share_, node_count_, cost_rate_, total_cpu_;
  int max_bound_ = 0;
  int in_flight_ = 0, queued_ = 0;
};

}  // namespace userscale::sim
