#include "core/policies/gpuaware/gpuaware_policy.h"

#include <algorithm>
#include <cmath>

#include "core/policies/gpuaware/capacity_plan.h"
#include "core/policies/gpuaware/cluster_view.h"
#include "core/policies/gpuaware/decision_text.h"
#include "core/policies/gpuaware/queueing.h"
#include "core/policies/gpuaware/service_reading.h"
#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

constexpr double kEpsilon = 1e-9;

// Why a scale-down may not rest on this tick's data; "" when it may.
std::string scale_down_doubt(const ClusterView& view, const ArrivalReading& arrival) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  if (view.serving == 0) add("no serving replica");
  if (view.serving_stale > 0) {
    add(std::to_string(view.serving_stale) + " of " + std::to_string(view.serving) +
        " serving replicas stale");
  }
  if (view.serving_unreadable > 0) {
    add(std::to_string(view.serving_unreadable) + " of " + std::to_string(view.serving) +
        " serving replicas without readable signals");
  }
  if (!arrival.complete && !arrival.doubt.empty()) add(arrival.doubt);
  return out;
}

std::string on_the_way_text(const ClusterView& view) {
  const int pending = view.pending + view.not_created;
  std::string s;
  if (pending > 0) s = std::to_string(pending) + " pending";
  if (view.starting > 0) s += (s.empty() ? "" : ", ") + std::to_string(view.starting) + " starting";
  return s;
}

std::string useless_text(int n) {
  return replicas_text(n) + (n == 1 ? " adds" : " add") + " nothing on a saturated GPU";
}

std::string scaled_text(std::int32_t from, std::int32_t to) {
  return "SCALED " + std::to_string(from) + " -> " + std::to_string(to);
}

}  // namespace

GpuAwarePolicy::Outcome GpuAwarePolicy::scale_up(Tick& t) {
  Outcome o{t.current, ""};
  const int max_add = kMaxProposedReplicas - std::max(t.current, 0);
  // The tolerance decides whether to move (recommend), not how far.
  const AddOutcome out = t.plan.add_until(t.need, max_add);
  t.numbers.usable = t.plan.usable();
  const auto wanted = static_cast<std::int64_t>(
      std::max(1.0, std::ceil((t.need - t.plan.usable()) / std::max(t.rate, kEpsilon) - kEpsilon)));
  const std::string blocked = blocked_text(out, wanted, startup_.oldest_pending(t.now), t.stuck);
  if (out.added > 0) {
    o.desired = clamp_proposal(static_cast<double>(t.current) + out.added);
    o.reason = scaled_text(t.current, o.desired) + (blocked.empty() ? "" : "; " + blocked);
  } else if (t.free > 0 && t.doubt.empty()) {
    o.desired = clamp_proposal(static_cast<double>(t.current - t.free));
    o.reason = scaled_text(t.current, o.desired) + ": " + useless_text(t.free) + "; " + blocked;
  } else if (const GpuView* g = unjudged_gpu(t.view, t.plan, t.now); g && t.doubt.empty()) {
    // Nothing can be added, and the last replica on a busy shared GPU was never judged:
    // release one to measure what it added.
    capacity_.measure_below(*g, t.now);
    o.desired = clamp_proposal(static_cast<double>(t.current - 1));
    o.reason = scaled_text(t.current, o.desired) + ": releasing one replica on " + g->key +
               " to measure what it adds (it came before it could be judged); " + blocked;
  } else {
    o.reason = blocked.empty() ? "no scale possible" : blocked;
  }
  windowed_target(t.now, o.desired);
  return o;
}

GpuAwarePolicy::Outcome GpuAwarePolicy::scale_down(Tick& t) {
  Outcome o{t.current, ""};
  const bool hysteresis = p_.enabled("hysteresis");
  // Capacity that adds throughput goes only while what is left would meet the SLO for arrivals
  // above the band, after the cool-down, and no lower than the window's highest recommendation.
  CapacityPlan band_plan = t.plan;
  const int fewer = band_plan.remove_while(t.need_down - t.tolerance, /*only_free=*/false);
  const std::int32_t raw = std::max(1, t.current - std::max(t.free, fewer));
  std::int32_t target = raw;
  // The cool-down also runs from the first tick: a restarted controller has no history.
  const bool cooling = hysteresis && ((t.since_change && *t.since_change < p_.scale_down_delay) ||
                                      t.now - *started_ < p_.scale_down_delay);
  if (hysteresis) {
    target = windowed_target(t.now, raw);
    if (cooling) target = t.current;
  }
  target = std::min(target, std::max(1, t.current - t.free));  // replicas that add nothing
  if (target < t.current) {
    if (!t.doubt.empty()) {
      o.hold_on_doubt = true;
      return o;
    }
    o.desired = clamp_proposal(target);
    const int useless = std::min(t.free, t.current - o.desired);
    o.reason =
        scaled_text(t.current, o.desired) + (useless > 0 ? ": " + useless_text(useless) : "");
  } else if (t.current > raw) {
    o.reason = std::string("no scale needed: fewer would do, ") +
               (cooling ? "cooling down after the last change"
                        : "held by the highest recommendation of the last " +
                              format_fixed(p_.scale_down_delay, 0) + " s");
  } else if (t.on_the_way > 0 && t.need > t.plan.serving() + kEpsilon) {
    o.reason = "waiting for " + replicas_text(t.on_the_way) + " on the way (" +
               on_the_way_text(t.view) + ")";
  } else {
    o.reason = "no scale needed";
  }
  if (o.desired < 1) {  // scaled to zero: one replica is the least a proposal says
    o.desired = 1;
    o.reason = scaled_text(t.current, 1) + ": at least one replica";
  }
  return o;
}

const GpuView* GpuAwarePolicy::unjudged_gpu(const ClusterView& view, const CapacityPlan& plan,
                                            Time now) const {
  const std::optional<std::string> key = plan.first_deleted_serving_gpu();
  const GpuView* g = key ? view.gpu(*key) : nullptr;
  return g && capacity_.unjudged(*g, now) ? g : nullptr;
}

GpuAwarePolicy::GpuAwarePolicy(GpuAwareParams params)
    : p_(std::move(params)),
      forecast_(p_.forecast_alpha, p_.forecast_beta, p_.staleness),
      capacity_(CapacityTrackerParams{p_.capacity_alpha, p_.min_gain, p_.settle_time,
                                      p_.saturation_ttl, p_.sync_period}),
      occupancy_(p_.capacity_alpha),
      slices_(p_.slices_per_gpu),
      placement_(p_.placement),
      memory_(p_.replica_memory_bytes, p_.max_memory_fraction) {}

std::int32_t GpuAwarePolicy::windowed_target(Time now, std::int32_t target) {
  targets_.emplace_back(now, target);
  while (!targets_.empty() && targets_.front().first < now - p_.scale_down_delay) {
    targets_.pop_front();
  }
  std::int32_t highest = target;
  for (const auto& [t, n] : targets_) highest = std::max(highest, n);
  return highest;
}

Recommendation GpuAwarePolicy::recommend(const Observation& obs) {
  const Time now = obs.now;
  const std::int32_t current = obs.scale.spec_replicas;
  const bool startup_aware = p_.enabled("startup");
  scaling_.observe(now, current);
  if (!started_) started_ = now;

  // 1. Picture and learn.
  occupancy_.observe(obs);
  const ClusterView view = build_cluster_view(obs, p_.staleness, p_.busy_utilization,
                                              p_.enabled("topology"), &occupancy_);
  startup_.observe(view, now);
  slices_.observe(view, startup_.pending_longer_than(p_.pending_grace, now) > 0);
  placement_.observe(view, slices_);
  capacity_.observe(view, now);
  memory_.observe(view);
  const int stuck = startup_.pending_longer_than(p_.supply_timeout, now);

  const ArrivalReading arrival = read_arrival_rate(obs, p_.staleness);
  if (arrival.value) forecast_.update(now, *arrival.value);
  const std::optional<double> mu = capacity_.replica_rate();

  Recommendation rec;
  rec.desired_replicas = current;
  MetricProposal m_forecast, m_rate, m_servers, m_usable;
  m_forecast.name = "arrival_forecast";
  m_rate.name = "capacity_per_replica";
  m_servers.name = "replicas_for_slo";
  m_usable.name = "usable_capacity";
  m_servers.target = p_.slo_ms;
  auto finish = [&](Recommendation& r) {
    r.metrics = {m_forecast, m_rate, m_servers, m_usable};
    return r;
  };
  const std::string keep = "keeping " + replicas_text(current);

  if (!arrival.value) {
    rec.valid = false;
    rec.reason = "no arrival rate (" +
                 (arrival.doubt.empty() ? std::string("not reported") : arrival.doubt) +
                 "): " + keep;
    m_forecast.error = m_servers.error = m_usable.error = "no arrival rate";
    if (!mu) m_rate.error = "no capacity estimate yet";
    if (mu) m_rate.value = mu;
    return finish(rec);
  }

  // 2. Forecast.
  const double now_rate = *arrival.value;
  const Duration horizon =
      (p_.provisioning_delay > 0 ? p_.provisioning_delay
                                 : startup_.delay().value_or(kDefaultProvisioningDelay)) +
      p_.sync_period;
  double expected = now_rate;
  if (p_.enabled("forecast"))
    expected = std::max(now_rate, forecast_.forecast(horizon).value_or(0));
  const double backlog = read_backlog(obs, p_.staleness);
  const double planned_rate = expected * (1 + p_.headroom) + backlog / p_.backlog_drain;
  m_forecast.value = expected;

  if (planned_rate > 0 && !mu) {
    rec.valid = false;
    rec.reason =
        "no capacity estimate yet (no replica has completed requests with a measured "
        "latency): " +
        keep;
    m_rate.error = m_servers.error = m_usable.error = "no capacity estimate yet";
    return finish(rec);
  }

  // 3. Size for the SLO.
  const double rate = mu.value_or(0);
  m_rate.value = mu;
  if (mu && view.serving > 0) m_rate.usage_ratio = now_rate / (*mu * view.serving);
  const double service_s = capacity_.service_time().value_or(mu ? 1 / *mu : 0);
  const Sizing sizing =
      servers_for_slo(p_.queue_model, planned_rate, rate, p_.slo_ms / 1000 - service_s,
                      p_.slo_percentile, p_.max_utilization, kMaxProposedReplicas);
  double need = static_cast<double>(sizing.servers) * rate;
  m_servers.value = static_cast<double>(sizing.servers);
  m_servers.proposed_replicas = clamp_proposal(static_cast<double>(sizing.servers));
  m_forecast.proposed_replicas = m_servers.proposed_replicas;

  // 4. Compare with what is there and on the way.
  PlanContext ctx;
  ctx.view = &view;
  ctx.capacity = &capacity_;
  ctx.slices = &slices_;
  ctx.placement = &placement_;
  ctx.memory = p_.enabled("memory") ? &memory_ : nullptr;
  ctx.now = now;
  ctx.replica_rate = rate;
  ctx.supply_blocked = startup_aware && stuck > 0;
  ctx.count_on_the_way = startup_aware;
  CapacityPlan plan(ctx);
  const double usable = plan.usable();

  // Latency guard: the model says enough, the service says otherwise. Only with nothing on
  // the way and the last change measured, so that it asks once per settle time.
  const int on_the_way = view.starting + view.pending + view.not_created;
  const std::optional<Duration> since_change = scaling_.since_last_change(now);
  std::string guard;
  if (p_.enabled("latency-guard") && rate > 0 && on_the_way == 0 &&
      (!since_change || *since_change >= capacity_.settle_time())) {
    const std::optional<double> seen = read_latency_at(obs, p_.slo_percentile, p_.staleness);
    if (seen && *seen > p_.slo_ms && need < plan.serving() + rate) {
      need = plan.serving() + rate;
      guard = "; observed " + format_fixed(*seen, 0) + " ms over the SLO";
    }
  }

  DecisionNumbers numbers;
  numbers.arrivals = now_rate;
  numbers.forecast = expected;
  numbers.horizon = horizon;
  numbers.replica_rate = rate;
  numbers.servers = sizing.servers;
  numbers.slo_ms = p_.slo_ms;
  numbers.percentile = p_.slo_percentile;
  numbers.slo_reachable = sizing.slo_reachable;
  numbers.need = need;
  numbers.usable = usable;
  numbers.gpus = plan.listed_gpus();
  m_usable.value = usable;
  m_usable.target = need;
  if (usable > 0) m_usable.usage_ratio = need / usable;

  // Replicas past their GPU's useful limit, first in the deletion order: removing them costs
  // nothing, so they go at once (on fresh data).
  CapacityPlan free_plan = plan;
  const int free = free_plan.remove_while(0, /*only_free=*/true);
  const std::string doubt = scale_down_doubt(view, arrival);

  // The band applies to the arrivals, not to the rounded-up need: a count that meets the SLO for
  // arrivals 1 / band higher than planned may replace the current one.
  double need_down = need;
  if (p_.enabled("hysteresis") && rate > 0) {
    const Sizing banded = servers_for_slo(p_.queue_model, planned_rate / p_.scale_down_band, rate,
                                          p_.slo_ms / 1000 - service_s, p_.slo_percentile,
                                          p_.max_utilization, kMaxProposedReplicas);
    need_down = std::max(need, static_cast<double>(banded.servers) * rate);
  }
  // The GPUs' capacities and mu_s are smoothed apart and differ by a few percent of noise: a
  // shortfall that small is no reason for a whole replica, nor a surplus that small for removing.
  const double tolerance = p_.tolerance * need;
  Tick tick{now,       current, view,  plan,  need,         need_down,  rate,
            tolerance, free,    doubt, stuck, since_change, on_the_way, numbers};
  const Outcome out = need > usable + tolerance + kEpsilon ? scale_up(tick) : scale_down(tick);
  if (out.hold_on_doubt) {
    rec.valid = false;
    rec.reason =
        "no scale-down on doubt (" + doubt + "): " + keep + " " + decision_context(tick.numbers);
    m_usable.proposed_replicas = current;
    return finish(rec);
  }
  if (out.desired != current) scaling_.proposed(now, current, out.desired);
  rec.desired_replicas = out.desired;
  rec.reason = out.reason + guard + " " + decision_context(tick.numbers);
  m_usable.proposed_replicas = out.desired;
  return finish(rec);
}

}  // namespace userscale
