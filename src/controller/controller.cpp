#include "controller/controller.h"

#include <algorithm>
#include <cmath>

#include "config/decision_record_json.h"
#include "controller/observation_checks.h"
#include "core/decision_record.h"
#include "core/reconcile.h"

namespace userscale::controller {
namespace {

nlohmann::json opt(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Sums one serving field over the pods; unknown when no pod reports it.
template <typename F>
std::optional<double> sum_pods(const Observation& obs, F field) {
  std::optional<double> sum;
  for (const auto& p : obs.pods) {
    if (auto v = field(p.serving)) sum = sum.value_or(0.0) + *v;
  }
  return sum;
}

}  // namespace

struct Controller::Target {
  TargetSetup setup;
  BehaviorState behavior;
  Time next_due = 0;  // 0: at once
  nlohmann::json snapshot;
  // What the actuator said last; shown while it cannot be read (not 0: that reads as "scaled
  // to zero").
  ActuatorState last_state;
};

Controller::Controller(Clock& clock, DecisionLog& log, ControllerOptions options)
    : clock_(clock), log_(log), options_(std::move(options)) {}

Controller::~Controller() = default;

void Controller::add_target(TargetSetup setup) {
  auto t = std::make_unique<Target>();
  t->setup = std::move(setup);
  metrics_.register_target(t->setup.name, t->setup.source ? t->setup.source->name() : "none");
  std::lock_guard lock(snapshot_mu_);
  targets_.push_back(std::move(t));
}

bool Controller::remove_target(const std::string& name) {
  std::lock_guard lock(snapshot_mu_);
  auto it = std::find_if(targets_.begin(), targets_.end(),
                         [&](const auto& t) { return t->setup.name == name; });
  if (it == targets_.end()) return false;
  targets_.erase(it);
  return true;
}

int Controller::tick_due() {
  int n = 0;
  for (auto& t : targets_) {
    const Time now = clock_.now();
    if (now + 1e-9 < t->next_due) continue;
    // On the period's grid; a tick late by more than a period starts a new grid.
    const Duration period = t->setup.spec.sync_period_seconds;
    t->next_due = t->next_due == 0 ? now + period : t->next_due + period;
    if (t->next_due <= now) t->next_due = now + period;
    tick(*t);
    ++n;
  }
  return n;
}

void Controller::run(const std::atomic<bool>& stop) {
  stop_ = &stop;
  while (!stop.load()) {
    tick_due();
    Time next = clock_.now() + 1.0;
    for (const auto& t : targets_) next = std::min(next, t->next_due);
    clock_.wait_until(next, stop);
  }
  stop_ = &no_stop_;
}

void Controller::tick(Target& t) {
  const auto started = std::chrono::steady_clock::now();
  const Time now = clock_.now();
  TargetSetup& s = t.setup;
  auto st = s.actuator->state();
  if (!st.ok()) {
    hold(t, now, t.last_state, "actuator_error",
         "cannot read the target's state: " + st.error().to_string() + "; holding");
    return;
  }
  t.last_state = *st;
  ObserveRequest req{now, st->replicas, options_.source_timeout};
  std::optional<Result<Observation>> got;
  const int attempts = std::max(1, options_.source_attempts);
  for (int a = 0; a < attempts; ++a) {
    got = s.source->observe(req);
    if (got->ok() || stop_->load()) break;
    metrics_.count_source_error(s.name, s.source->name());
    if (a + 1 < attempts) clock_.wait_until(clock_.now() + options_.retry_backoff, *stop_);
  }
  if (!got->ok()) {
    hold(t, now, *st, "source_error",
         "source " + s.source->name() + " failed (" + std::to_string(attempts) +
             " attempts): " + got->error().to_string() + "; holding");
    metrics_.observe_tick(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return;
  }
  Observation obs = std::move(*got).value();
  obs.now = now;
  obs.scale.spec_replicas = st->desired;
  obs.scale.status_replicas = st->current;
  obs.scale.selector = "app=" + s.spec.scale_target_ref.name;

  // Staleness: the ready pods must have at least one recent serving sample.
  const Duration limit = options_.staleness > 0 ? options_.staleness
                                                : std::max(3.0 * s.spec.sync_period_seconds, 10.0);
  bool any_ready = false;
  std::optional<Time> newest;
  for (const auto& p : obs.pods) {
    if (!p.is_ready()) continue;
    any_ready = true;
    if (p.serving.sample_time)
      newest = std::max(newest.value_or(*p.serving.sample_time), *p.serving.sample_time);
  }
  auto finish_hold = [&](const std::string& kind, const std::string& reason) {
    metrics_.count_source_error(s.name, s.source->name());
    hold(t, now, *st, kind, reason);
    metrics_.observe_tick(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  if (any_ready && (!newest || now - *newest > limit)) {
    const std::string age =
        newest ? std::to_string(static_cast<int>(now - *newest)) + " s old" : "missing";
    finish_hold("stale", "observation stale: the newest serving sample is " + age + " (limit " +
                             std::to_string(static_cast<int>(limit)) + " s); holding");
    return;
  }
  // A value no real source produces means the source is broken: no policy sees it.
  if (auto invalid = find_invalid_signal(obs)) {
    finish_hold("invalid", "invalid signal: " + *invalid + "; holding");
    return;
  }

  // Upstream stores scale events only after the update succeeded; a refused scale must not
  // count against the rate limits of the next ticks.
  const auto up_events = t.behavior.scale_up_events;
  const auto down_events = t.behavior.scale_down_events;
  Decision d = reconcile(*s.policy, s.spec, s.settings, t.behavior, obs);
  // Some ready pods without a fresh sample: enough to add capacity, never to remove it.
  const Coverage coverage = sample_coverage(obs, now, limit);
  if (!coverage.complete() && d.desired_replicas < d.current_replicas) {
    d.reason = "scale-down to " + std::to_string(d.desired_replicas) + " withheld: " + d.reason;
    d.desired_replicas = d.current_replicas;
    d.rescale = false;
    d.bound_by.clear();
  }
  std::string kind =
      d.rescale ? (d.desired_replicas > d.current_replicas ? "scale_up" : "scale_down") : "hold";
  if (!coverage.complete() && kind == "hold") {
    kind = "partial";
    d.reason += "; only " + std::to_string(coverage.reporting) + " of " +
                std::to_string(coverage.ready) + " ready pods reported a fresh sample; holding";
  }
  if (d.rescale && s.advisory) {
    // Published as the desired count for whatever actuates; the target is left as it is, and
    // the next tick reads the count that was really applied. No scale happened, so none is
    // stored for the rate limits: else the next tick would limit its advice against a scale
    // that never was, and the published count would flap.
    kind = kind == "scale_up" ? "advise_up" : "advise_down";
    st->desired = d.desired_replicas;
    t.behavior.scale_up_events = up_events;
    t.behavior.scale_down_events = down_events;
  } else if (d.rescale) {
    const Status scaled = s.actuator->scale(d.desired_replicas);
    if (!scaled.ok()) {
      // Logged as the hold it is ("HOLD 1 (wanted 3): ...; scale failed"), never as SCALED.
      d.reason += "; scale failed: " + scaled.error().to_string() + "; holding";
      d.desired_replicas = d.current_replicas;
      d.rescale = false;
      d.bound_by.clear();
      t.behavior.scale_up_events = up_events;
      t.behavior.scale_down_events = down_events;
      kind = "actuator_error";
    } else {
      st->desired = d.desired_replicas;
      t.last_state.desired = st->desired;
    }
  }
  record(t, d, kind, false);
  metrics_.set_replicas(s.name, st->desired, st->current, st->ready);
  update_snapshot(t, now, *st, &obs);
  metrics_.observe_tick(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void Controller::hold(Target& t, Time now, const ActuatorState& st, const std::string& kind,
                      const std::string& reason) {
  Decision d;
  d.now = now;
  d.current_replicas = st.desired;
  d.desired_replicas = st.desired;
  d.rescale = false;
  d.metrics_evaluated = false;
  d.reason = reason;
  record(t, d, kind, true);
  // An unreadable target has no count to report: a 0 here would read as "scale to zero" to
  // whatever follows userscale_desired_replicas.
  if (kind != "actuator_error")
    metrics_.set_replicas(t.setup.name, st.desired, st.current, st.ready);
  update_snapshot(t, now, st, nullptr);
}

void Controller::record(Target& t, const Decision& d, const std::string& kind, bool source_error) {
  nlohmann::json rec = config::decision_record(d, t.setup.name, t.setup.policy->name());
  rec["kind"] = kind;
  if (source_error) rec["source_error"] = true;
  std::string line = human_line(d);
  // "SCALED 1 -> 3 (...)" would claim a scale that advisory mode never makes.
  if ((kind == "advise_up" || kind == "advise_down") && line.rfind("SCALED ", 0) == 0) {
    line = "ADVISED " + line.substr(7);
    rec["human"] = line;
  }
  log_.append(t.setup.name, d.now, line, rec);
  metrics_.count_decision(t.setup.name, kind);
  if (options_.on_decision) options_.on_decision(t.setup.name, d, kind);
}

void Controller::update_snapshot(Target& t, Time now, const ActuatorState& st,
                                 const Observation* obs) {
  const TargetSetup& s = t.setup;
  nlohmann::json j;
  j["name"] = s.name;
  j["policy"] = s.policy->name();
  j["min"] = s.spec.effective_min_replicas();
  j["max"] = s.spec.max_replicas;
  j["desired"] = st.desired;
  j["current"] = st.current;
  j["ready"] = st.ready;
  nlohmann::json pods = nlohmann::json::array();
  for (const auto& r : st.replicas) {
    nlohmann::json p{{"name", r.name}, {"phase", phase_name(r.phase)}};
    p["age_seconds"] =
        r.started ? nlohmann::json(std::max(0.0, now - *r.started)) : nlohmann::json(nullptr);
    p["gpu"] = r.gpu.value_or("");
    if (!r.address.empty()) p["address"] = r.address;
    pods.push_back(std::move(p));
  }
  j["pods"] = std::move(pods);
  nlohmann::json gpus = nlohmann::json::array();
  nlohmann::json service = {{"slo_ms", opt(s.slo_ms)}};
  const nlohmann::json previous = [&] {
    std::lock_guard lock(snapshot_mu_);
    return t.snapshot;
  }();
  if (obs) {
    for (const auto& g : obs->gpus) {
      gpus.push_back({{"uuid", g.uuid},
                      {"model", g.model},
                      {"utilization", opt(g.utilization)},
                      {"memory_used_bytes", opt(g.memory_used_bytes)},
                      {"memory_total_bytes", opt(g.memory_total_bytes)},
                      {"pods", g.pods}});
    }
    service["arrival_rps"] =
        opt(obs->service.arrival_rate
                ? obs->service.arrival_rate
                : sum_pods(*obs, [](const ServingSignals& x) { return x.arrival_rate; }));
    service["throughput_rps"] =
        opt(sum_pods(*obs, [](const ServingSignals& x) { return x.completion_rate; }));
    service["in_flight"] = opt(sum_pods(*obs, [](const ServingSignals& x) { return x.in_flight; }));
    service["queued"] =
        opt(obs->service.queued ? obs->service.queued
                                : sum_pods(*obs, [](const ServingSignals& x) { return x.queued; }));
    service["latency_p50_ms"] = opt(obs->service.latency_p50_ms);
    service["latency_p95_ms"] = opt(obs->service.latency_p95_ms);
    service["latency_p99_ms"] = opt(obs->service.latency_p99_ms);
  } else if (previous.is_object()) {
    // No fresh signals this tick: the last known ones, rather than a blank view.
    gpus = previous.value("gpus", nlohmann::json::array());
    if (previous.contains("service")) service = previous["service"];
  }
  j["gpus"] = std::move(gpus);
  j["service"] = std::move(service);
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : log_.recent(s.name, 20)) {
    decisions.push_back({{"time", d.time}, {"line", d.line}});
  }
  j["decisions"] = std::move(decisions);
  std::lock_guard lock(snapshot_mu_);
  t.snapshot = std::move(j);
}

nlohmann::json Controller::snapshot_json() const {
  nlohmann::json targets = nlohmann::json::array();
  std::lock_guard lock(snapshot_mu_);
  for (const auto& t : targets_) {
    if (t->snapshot.is_object()) {
      targets.push_back(t->snapshot);
    } else {
      targets.push_back({{"name", t->setup.name},
                         {"policy", t->setup.policy->name()},
                         {"min", t->setup.spec.effective_min_replicas()},
                         {"max", t->setup.spec.max_replicas},
                         {"pods", nlohmann::json::array()},
                         {"gpus", nlohmann::json::array()},
                         {"decisions", nlohmann::json::array()}});
    }
  }
  return {{"source", options_.world}, {"time", clock_.now()}, {"targets", std::move(targets)}};
}

nlohmann::json Controller::decisions_json(std::uint64_t after, std::size_t limit) const {
  nlohmann::json records = nlohmann::json::array();
  std::uint64_t next = after;
  for (const auto& d : log_.after(after, std::min<std::size_t>(limit, 500))) {
    records.push_back({{"seq", d.seq},
                       {"target", d.target},
                       {"time", d.time},
                       {"line", d.line},
                       {"record", d.record}});
    next = d.seq;
  }
  return {{"next", next}, {"records", std::move(records)}};
}

}  // namespace userscale::controller
