#include "experiment/live_runner.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "actuate/process.h"
#include "controller/clock.h"
#include "controller/controller.h"
#include "controller/decision_log.h"
#include "controller/local_world.h"
#include "core/policies/registry.h"
#include "experiment/capacity_model.h"
#include "experiment/live_load.h"
#include "experiment/results_io.h"

namespace userscale::experiment {

namespace {

using steady = std::chrono::steady_clock;
using json = nlohmann::json;

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

double number_or(const json& j, const char* key, double fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::uint64_t total_of(const json& by_key) {
  std::uint64_t n = 0;
  if (by_key.is_object()) {
    for (const auto& [k, v] : by_key.items()) n += v.is_number() ? v.get<std::uint64_t>() : 0;
  }
  return n;
}

// One sample of the world while the load runs: the actuator's counts and the controller's
// latest view of the service (the same signals the policy decided on).
sim::TimelineRow sample(controller::LocalWorld& world, const controller::Controller& ctl,
                        double t) {
  sim::TimelineRow row;
  row.t = t;
  row.nodes = 1;
  if (auto st = world.state(); st.ok()) {
    row.desired = st->desired;
    row.ready = st->ready;
    row.pods = st->current;  // starting and ready; draining ones have left the balancer
  }
  const json snap = ctl.snapshot_json();
  if (!snap.contains("targets") || snap["targets"].empty()) return row;
  const json& target = snap["targets"][0];
  const json service = target.value("service", json::object());
  row.in_flight = static_cast<std::int32_t>(std::lround(number_or(service, "in_flight", 0.0)));
  row.queued = static_cast<std::int32_t>(std::lround(number_or(service, "queued", 0.0)));
  row.latency_p50_ms = number_or(service, "latency_p50_ms", 0.0);
  row.latency_p95_ms = number_or(service, "latency_p95_ms", 0.0);
  row.latency_p99_ms = number_or(service, "latency_p99_ms", 0.0);
  for (const auto& g : target.value("gpus", json::array())) {
    row.gpu_util.push_back(number_or(g, "utilization", 0.0));
  }
  return row;
}

// Fills each row's arrival, throughput and failure rates from the load generator's per-second
// counts (second i covers [i, i + 1) from the load's start).
void add_load_rates(std::vector<sim::TimelineRow>& rows, const std::string& timeline_csv) {
  std::vector<std::array<double, 3>> per_second;  // sent, ok, failed
  std::istringstream in(timeline_csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto f = split_csv_line(line);
    if (f.size() < 4) continue;
    per_second.push_back({std::stod(f[1]), std::stod(f[2]), std::stod(f[3])});
  }
  // A second's counts are spread evenly over it: a row takes the part that falls in its period.
  double prev = 0.0;
  for (auto& r : rows) {
    std::array<double, 3> sum{};
    for (std::size_t sec = 0; sec < per_second.size(); ++sec) {
      const double lo = static_cast<double>(sec);
      const double overlap = std::min(lo + 1.0, r.t) - std::max(lo, prev);
      if (overlap <= 0.0) continue;
      for (int k = 0; k < 3; ++k) sum[k] += per_second[sec][k] * overlap;
    }
    const double period = std::max(r.t - prev, 1e-9);
    r.arrivals_rps = sum[0] / period;
    r.throughput_rps = sum[1] / period;
    r.failures_rps = sum[2] / period;
    prev = r.t;
  }
}

// The run's summary in the simulator's terms, from the load generator's summary (requests,
// latencies) and the timeline (replicas).
sim::Summary live_summary(const config::Scenario& sc, const std::string& policy, const json& load,
                          const RunTrace& trace) {
  sim::Summary s;
  s.scenario = sc.name;
  s.policy = policy;
  s.seed = sc.seed;
  s.duration = sc.duration;
  s.requests = load.value("requests", std::uint64_t{0});
  s.completed = load.value("completed", std::uint64_t{0});
  const json failed = load.value("failed", json::object());
  const json errors = load.value("errors", json::object());
  s.failed = total_of(failed) + total_of(errors);
  s.rejected = failed.value("503", std::uint64_t{0});
  s.timed_out = errors.value("timeout", std::uint64_t{0});
  s.throughput_rps = sc.duration > 0.0 ? static_cast<double>(s.completed) / sc.duration : 0.0;
  const json lat = load.value("latency_ms", json::object());
  s.latency_mean_ms = number_or(lat, "mean", 0.0);
  s.latency_p50_ms = number_or(lat, "p50", 0.0);
  s.latency_p95_ms = number_or(lat, "p95", 0.0);
  s.latency_p99_ms = number_or(lat, "p99", 0.0);
  s.latency_max_ms = number_or(lat, "max", 0.0);
  s.slo_latency_ms = sc.slo.latency_ms;
  const double finished = static_cast<double>(s.completed + s.failed);
  s.slo_attainment = finished > 0.0 ? number_or(load, "completed_within_slo", 0.0) / finished : 0.0;
  double prev = 0.0;
  for (const auto& r : trace.timeline) {
    const double dt = std::max(0.0, r.t - prev);
    prev = r.t;
    s.replica_seconds += r.pods * dt;
    s.max_replicas = std::max(s.max_replicas, r.pods);
  }
  const double per_gpu = std::max(1, sc.cluster.sharing.replicas_per_gpu);
  // No GPU is metered here: a replica holds its modelled share of one (a time slice).
  s.gpu_seconds = s.replica_seconds / per_gpu;
  s.node_seconds = sc.duration;
  for (const auto& p : sc.cluster.pools) s.cost_usd += p.cost_per_hour * sc.duration / 3600.0;
  // Over the sampled time: the load's duration plus the answers still in flight at its end.
  s.avg_replicas = prev > 0.0 ? s.replica_seconds / prev : 0.0;
  s.scaling_events = trace.scale_changes.size();
  return s;
}

std::vector<ScaleChange> scale_changes(const controller::DecisionLog& log, double t0_unix) {
  std::vector<ScaleChange> out;
  for (const auto& d : log.after(0, 1'000'000)) {
    const json& r = d.record;
    if (!r.value("rescale", false)) continue;
    out.push_back({d.time - t0_unix, r.value("current", 0), r.value("desired", 0)});
  }
  return out;
}

void say(const LiveOptions& o, const std::string& line) {
  if (o.log) o.log(line);
}

}  // namespace

std::filesystem::path live_run_dir(const std::filesystem::path& work_dir,
                                   const std::string& scenario, const std::string& policy,
                                   std::uint64_t seed) {
  return work_dir / scenario / policy / ("seed-" + std::to_string(seed));
}

void restrict_to_live(const Suite& suite, Plan& plan) {
  for (std::size_t p = 0; p < suite.policies.size(); ++p) {
    if (!plan.policy_available[p] || plan.specs.empty()) continue;
    auto built = make_policy(plan.specs[0][p], suite.scenarios[0].scenario.hpa);
    if (built.ok() || built.error().path != "spec.policy.name") continue;
    plan.policy_available[p] = false;
    plan.skipped.push_back({suite.policies[p].label, "not run live: " + built.error().message});
  }
  std::erase_if(plan.runs, [&](const RunSpec& r) { return !plan.policy_available[r.policy]; });
}

RunOutcome run_one_live(const Suite& suite, const Plan& plan, const RunSpec& spec,
                        const LiveOptions& o) {
  const auto wall_start = steady::now();
  const ScenarioEntry& entry = suite.scenarios[spec.scenario];
  const PolicyEntry& pentry = suite.policies[spec.policy];
  RunOutcome out;
  out.spec = spec;
  out.finished = true;
  auto fail = [&](Error e) {
    out.error = std::move(e);
    out.wall_seconds = seconds_since(wall_start);
    return out;
  };
  config::Scenario sc = time_scaled(entry.scenario, o.time_scale);
  sc.seed = spec.seed;
  sc.autoscaler = plan.specs[spec.scenario][spec.policy];
  const config::Trace* trace = entry.trace ? &*entry.trace : nullptr;
  const auto dir = live_run_dir(o.work_dir, sc.name, pentry.label, spec.seed);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Error{"--out", "cannot create " + dir.string() + ": " + ec.message()});

  auto policy = make_policy(sc.autoscaler, sc.hpa);
  if (!policy.ok()) return fail(policy.error());
  auto load = live_load(sc, trace, (dir / "arrivals.csv").string());
  if (!load.ok()) return fail(load.error());
  if (!load->trace_csv.empty()) {
    if (auto st = write_text_file((dir / "arrivals.csv").string(), load->trace_csv); !st.ok()) {
      return fail(st.error());
    }
  }

  const AutoscalerSpec& as = sc.autoscaler;
  controller::LocalWorldOptions lo;
  lo.run_dir = dir / "world";
  // HAProxy's admin socket lives there: a Unix socket path holds at most 107 bytes.
  if (lo.run_dir.string().size() > 80) {
    lo.run_dir =
        std::filesystem::temp_directory_path() /
        ("userscale-live-" + std::to_string(::getpid()) + "-" + std::to_string(spec.scenario) +
         "-" + std::to_string(spec.policy) + "-" + std::to_string(spec.seed));
    std::filesystem::remove_all(lo.run_dir, ec);
    say(o, "  world files in " + lo.run_dir.string() + " (the run folder's path is too long)");
  }
  lo.userscale_binary = o.userscale_binary;
  if (sc.service.concurrency > 0) {
    lo.serve_args.insert(lo.serve_args.end(),
                         {"--max-inflight", std::to_string(sc.service.concurrency)});
  }
  if (sc.service.queue_capacity >= 0) {
    lo.serve_args.insert(lo.serve_args.end(),
                         {"--queue", std::to_string(sc.service.queue_capacity)});
  }
  lo.serve_args.insert(lo.serve_args.end(), o.serve_args.begin(), o.serve_args.end());
  lo.source = o.source;
  lo.scrape_interval = std::max(1.0, std::round(sc.metrics.scrape_interval * o.time_scale));
  lo.window = std::max(sc.metrics.rate_window * o.time_scale, 3.0 * lo.scrape_interval);
  lo.cpu_request_cores = sc.service.cpu_request_cores;
  lo.min_replicas = as.effective_min_replicas();
  lo.max_replicas = as.max_replicas;
  lo.drain_timeout = std::chrono::seconds(10);
  lo.term_grace = std::chrono::seconds(5);
  lo.log = [&o](const std::string& line) { say(o, "  world: " + line); };
  auto world = controller::LocalWorld::start(lo);
  if (!world.ok()) return fail(world.error());
  controller::LocalWorld& w = **world;

  const std::int32_t initial =
      std::clamp<std::int32_t>(sc.service.initial_replicas, lo.min_replicas, lo.max_replicas);
  (void)w.scale(initial);
  const auto ready_by = steady::now() + std::chrono::seconds(60);
  for (;;) {
    auto st = w.state();
    if (st.ok() && st->ready >= initial) break;
    if (steady::now() > ready_by) {
      w.stop();
      return fail(Error{"live", std::to_string(initial) +
                                    " replica(s) not ready within 60 s; see " +
                                    lo.run_dir.string()});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  controller::RealClock clock;
  controller::DecisionLog dlog(dir / "decisions.jsonl");
  controller::Controller ctl(clock, dlog);
  controller::TargetSetup t;
  t.name = "default/" + as.scale_target_ref.name;
  t.spec = as;
  t.settings = sc.hpa;
  t.policy = std::move(policy).value();
  t.source = &w.source();
  t.actuator = &w;
  t.slo_ms = sc.slo.latency_ms;
  ctl.add_target(std::move(t));
  std::atomic<bool> stop_ctl{false};
  std::thread ctl_thread([&] { ctl.run(stop_ctl); });

  const std::string bin =
      o.userscale_binary.empty() ? actuate::self_binary().string() : o.userscale_binary.string();
  std::vector<std::string> argv = {bin, "load",
                                   "http://127.0.0.1:" + std::to_string(w.haproxy_port())};
  argv.insert(argv.end(), load->args.begin(), load->args.end());
  argv.insert(argv.end(), {"--json", (dir / "load.json").string(), "--timeline",
                           (dir / "load-timeline.csv").string(), "--slo-ms",
                           std::to_string(sc.slo.latency_ms), "--quiet"});
  argv.insert(argv.end(), o.load_args.begin(), o.load_args.end());
  say(o,
      "  load: " + std::to_string(sc.duration) + " s" +
          (load->scheduled ? ", " + std::to_string(load->scheduled) + " requests scheduled" : ""));
  const double t0_unix = clock.now();
  const auto t0 = steady::now();
  auto pid = actuate::spawn(argv, dir / "load.log");
  RunTrace trace_out;
  if (pid.ok()) {
    // The load ends by itself after the duration (plus its answers in flight); a stop request,
    // or a load that outlives its duration by far, is cut.
    const double period = std::max(0.5, sc.sample_period);
    const double limit = sc.duration + 60.0 + sc.service.timeout;
    double next = period;
    while (actuate::is_alive(*pid)) {
      if ((o.stop && o.stop->load()) || seconds_since(t0) > limit) {
        actuate::terminate(*pid, std::chrono::seconds(5));
        break;
      }
      if (seconds_since(t0) >= next) {
        trace_out.timeline.push_back(sample(w, ctl, next));
        next += period;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (trace_out.timeline.empty() || trace_out.timeline.back().t < seconds_since(t0) - 1e-3) {
      trace_out.timeline.push_back(sample(w, ctl, seconds_since(t0)));
    }
  }
  stop_ctl = true;
  ctl_thread.join();
  trace_out.scale_changes = scale_changes(dlog, t0_unix);
  w.stop();
  if (!pid.ok()) return fail(pid.error());

  auto load_text = read_text_file((dir / "load.json").string());
  if (!load_text.ok()) {
    return fail(
        Error{"load", "userscale load wrote no summary; see " + (dir / "load.log").string()});
  }
  json load_summary = json::parse(*load_text, nullptr, false);
  if (load_summary.is_discarded()) return fail(Error{"load.json", "not valid JSON"});
  if (auto tl = read_text_file((dir / "load-timeline.csv").string()); tl.ok()) {
    add_load_rates(trace_out.timeline, *tl);
  }
  out.summary = live_summary(sc, pentry.label, load_summary, trace_out);
  out.trace = std::move(trace_out);
  RunContext ctx;
  ctx.scenario = &sc;
  ctx.capacity = &plan.capacity[spec.scenario];
  ctx.closed_loop_demand_rps = closed_loop_demand_rps(sc, trace);
  out.analysis = run_metrics(ctx, out.summary, out.trace);
  out.wall_seconds = seconds_since(wall_start);
  return out;
}

}  // namespace userscale::experiment
