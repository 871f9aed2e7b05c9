#include "core/policies/ewma.h"

#include <algorithm>
#include <cmath>

#include "core/policies/policy_signals.h"

namespace userscale {

EwmaParams read_ewma_params(ParamReader& reader, double sync_period_seconds) {
  EwmaParams p;
  p.staleness = 3 * sync_period_seconds;
  reader.number("alpha", p.alpha, Bounds::open_closed(0, 1));
  reader.number("users_target_per_pod", p.users_target_per_pod, Bounds::greater_than(0));
  reader.number("cpu_target", p.cpu_target, Bounds::greater_than(0));
  reader.number("gpu_target", p.gpu_target, Bounds::open_closed(0, 100));
  reader.number("latency_target_ms", p.latency_target_ms, Bounds::greater_than(0));
  reader.number("lower_band", p.lower_band, Bounds::open(0, 1));
  reader.integer("scale_up_step", p.scale_up_step, 1, kMaxProposedReplicas);
  reader.integer("scale_down_step", p.scale_down_step, 1, kMaxProposedReplicas);
  reader.duration("cooldown_period", p.cooldown_period, Bounds::closed(0, 86400));
  reader.integer("max_consecutive", p.max_consecutive, 1, 1000);
  reader.duration("consecutive_reset", p.consecutive_reset, Bounds::closed(0, 86400));
  reader.duration("staleness", p.staleness, Bounds::open_closed(0, 86400));
  reader.name_list("signals", p.signals, ewma_signal_names());
  // A run that ends before the cooldown does could never reach the limit.
  if (p.consecutive_reset < p.cooldown_period) {
    reader.fail(reader.has("consecutive_reset") ? "consecutive_reset" : "cooldown_period",
                "consecutive_reset (" + format_shortest(p.consecutive_reset) +
                    ") must be >= cooldown_period (" + format_shortest(p.cooldown_period) + ")");
  }
  return p;
}

Result<EwmaParams> parse_ewma_params(const ParamMap& params, double sync_period_seconds) {
  ParamReader reader(params);
  EwmaParams p = read_ewma_params(reader, sync_period_seconds);
  return first_error_or(reader.finish(), std::move(p));
}

// One signal this tick: what was read, its smoothed value and what it proposes.
struct EwmaPolicy::Evaluated {
  std::string name;
  SignalReading reading;
  std::optional<double> smoothed;  // absent when the signal is unknown this tick
  double target = 0;
  double ratio = 0;  // smoothed / target (users: per pod / users_target_per_pod)
  std::int32_t proposal = 0;
  bool below_band = false;
  std::string text;  // "cpu=75.2%"
};

EwmaPolicy::Evaluated EwmaPolicy::evaluate(const std::string& signal, const Observation& obs) {
  const std::int32_t current = obs.scale.spec_replicas;
  const double replicas = std::max(current, 1);
  Evaluated e;
  e.name = signal;
  const char* unit = "";
  int decimals = 1;
  if (signal == "users") {
    e.reading = read_pod_mean(obs, params_.staleness,
                              [](const ServingSignals& s) { return s.concurrent_users; });
    // The mean per reporting pod stands for every serving pod, so that a pod that did not
    // report does not shrink the total.
    if (e.reading.value) *e.reading.value *= e.reading.serving;
    e.target = params_.users_target_per_pod;
  } else if (signal == "cpu") {
    e.reading = read_pod_mean(obs, params_.staleness,
                              [](const ServingSignals& s) { return s.cpu_utilization; });
    e.target = params_.cpu_target;
    unit = "%";
  } else if (signal == "gpu") {
    e.reading = read_gpu_utilization(obs, params_.staleness);
    e.target = params_.gpu_target;
    unit = "%";
  } else {
    e.reading = read_latency_ms(obs, params_.staleness);
    e.target = params_.latency_target_ms;
    unit = "ms";
    decimals = 0;
  }
  if (e.reading.value) {
    Smoothed& s = smoothed_[signal];
    const bool restart = !s.updated || obs.now - *s.updated > params_.staleness;
    s.value = restart ? *e.reading.value
                      : params_.alpha * *e.reading.value + (1 - params_.alpha) * s.value;
    s.updated = obs.now;
    e.smoothed = s.value;
  }
  e.text = signal + "=" + format_optional(e.smoothed, decimals, unit);
  if (!e.smoothed) return e;
  if (signal == "users") {
    e.proposal = clamp_proposal(ceil_tolerant(*e.smoothed / e.target));
    e.ratio = *e.smoothed / replicas / e.target;
  } else {
    e.ratio = *e.smoothed / e.target;
    const bool in_band = e.ratio >= params_.lower_band && e.ratio <= 1.0;
    e.proposal = clamp_proposal(in_band ? replicas : ceil_tolerant(replicas * e.ratio));
  }
  e.below_band = e.ratio < params_.lower_band;
  return e;
}

Recommendation EwmaPolicy::recommend(const Observation& obs) {
  const Time now = obs.now;
  const std::int32_t current = obs.scale.spec_replicas;
  memory_.observe(now, current);

  Recommendation rec;
  std::vector<Evaluated> signals;
  for (const auto& name : params_.signals) signals.push_back(evaluate(name, obs));

  std::string values;  // "users=25 cpu=75.2% latency=245ms gpu=n/a"
  std::string doubts;  // "gpu: 1 of 2 pods stale"
  std::optional<std::int32_t> highest;
  bool all_below_band = true;
  for (const auto& e : signals) {
    values += (values.empty() ? "" : " ") + e.text;
    MetricProposal m;
    m.name = e.name;
    m.target = e.target;
    if (!e.reading.complete()) {
      doubts += (doubts.empty() ? "" : "; ") + e.name + ": " + e.reading.doubt();
    }
    if (e.smoothed) {
      m.value = e.smoothed;
      m.usage_ratio = e.ratio;
      m.proposed_replicas = e.proposal;
      highest = std::max(highest.value_or(0), e.proposal);
      all_below_band = all_below_band && e.below_band;
    } else {
      m.error = "unknown: " + e.reading.doubt();
    }
    rec.metrics.push_back(std::move(m));
  }
  const std::string replicas_text = "replicas=" + std::to_string(current);

  if (!highest) {
    rec.valid = false;
    rec.reason =
        "no signal known (" + doubts + "): keeping " + std::to_string(current) + " replicas";
    return rec;
  }
  std::int32_t desired = current;
  if (*highest > current) {
    desired = *highest;
  } else if (all_below_band && !doubts.empty()) {
    rec.valid = false;
    rec.reason = "no scale-down on doubt (" + doubts + "): keeping " + std::to_string(current) +
                 " replicas (" + values + ")";
    return rec;
  } else if (all_below_band) {
    desired = *highest;
  }
  rec.desired_replicas = current;
  if (desired == current) {
    memory_.end_run();  // the load is met: a later change starts a new run
    rec.reason = "no scale needed (" + replicas_text + " " + values + ")";
    return rec;
  }

  const ScaleDirection dir = desired > current ? ScaleDirection::Up : ScaleDirection::Down;
  const std::string wish = "desired=" + std::to_string(desired);
  const std::optional<Duration> since = memory_.since_last_change(now);
  if (since && *since < params_.cooldown_period) {
    rec.reason = "blocked by cooldown (" +
                 format_fixed(std::ceil(params_.cooldown_period - *since), 0) + " s left; " +
                 replicas_text + " " + wish + " " + values + ")";
    return rec;
  }
  if (since && *since >= params_.consecutive_reset) memory_.end_run();
  if (memory_.last_direction() == dir && memory_.consecutive() >= params_.max_consecutive) {
    rec.reason = "blocked by consecutive limit (" + std::to_string(memory_.consecutive()) +
                 (dir == ScaleDirection::Up ? " scale-ups" : " scale-downs") + " in a row; " +
                 replicas_text + " " + wish + " " + values + ")";
    return rec;
  }
  const std::int64_t limited =
      std::clamp<std::int64_t>(desired, std::int64_t{current} - params_.scale_down_step,
                               std::int64_t{current} + params_.scale_up_step);
  const std::int32_t proposal = clamp_proposal(static_cast<double>(limited));
  memory_.proposed(now, current, proposal);
  rec.desired_replicas = proposal;
  rec.reason = "SCALED " + std::to_string(current) + " -> " + std::to_string(proposal);
  if (limited != desired) rec.reason += ", limited by step limit (" + wish + ")";
  rec.reason += " (" + values + ")";
  return rec;
}

}  // namespace userscale
