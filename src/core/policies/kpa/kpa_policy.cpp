#include "core/policies/kpa/kpa_policy.h"

#include <algorithm>

#include "core/policies/kpa/decision_text.h"
#include "core/policies/kpa/timed_buckets.h"

namespace userscale {
namespace {

using kpa::ScalingMetric;

bool counts_as_ready(const PodInfo& pod) {
  return pod.phase == PodPhase::Running && pod.is_ready();
}

// The revision-wide total of one metric over the ready pods. Pods that do not report it are
// filled in at the reporters' average, as the scraper scales a sample up to the revision. With
// no ready pod, the load balancer's view stands in, as the activator's stats do upstream.
std::optional<double> revision_value(const Observation& obs, ScalingMetric metric) {
  double sum = 0;
  int ready = 0;
  int reporting = 0;
  for (const PodInfo& pod : obs.pods) {
    if (!counts_as_ready(pod)) continue;
    ++ready;
    const ServingSignals& s = pod.serving;
    if (metric == ScalingMetric::Rps) {
      if (!s.arrival_rate) continue;
      sum += *s.arrival_rate;
    } else {
      if (!s.in_flight && !s.queued) continue;
      sum += s.in_flight.value_or(0) + s.queued.value_or(0);
    }
    ++reporting;
  }
  if (reporting > 0) return sum * ready / reporting;
  if (ready == 0) {
    return metric == ScalingMetric::Rps ? obs.service.arrival_rate : obs.service.queued;
  }
  return std::nullopt;
}

std::string metric_label(ScalingMetric metric) {
  return std::string(kpa::metric_name(metric));
}

}  // namespace

KpaPolicy::KpaPolicy(kpa::KpaKnobs knobs, std::string name)
    : knobs_(knobs),
      spec_(kpa::make_decider_spec(knobs)),
      collector_(spec_),
      name_(std::move(name)) {}

Result<std::unique_ptr<KpaPolicy>> KpaPolicy::from_params(
    const std::map<std::string, std::string>& params, std::string name) {
  auto knobs = kpa::knobs_from_params(params);
  if (!knobs) return knobs.error();
  return std::make_unique<KpaPolicy>(*knobs, std::move(name));
}

void KpaPolicy::record(ScalingMetric metric, std::optional<double> value, Time now) {
  if (!value) return;
  std::optional<std::int64_t>& last = last_second_[metric == ScalingMetric::Rps ? 1 : 0];
  const std::int64_t second = kpa::bucket_second(now);
  // Upstream scrapes one stat per second. Observed more rarely, the value holds for the seconds
  // in between (else every unobserved second would count as a zero in the average); observed
  // twice in a second, only the first counts (else the two would add up).
  if (last && second <= *last) return;
  std::int64_t from = second;
  if (last) from = std::max(*last + 1, second - spec_.stable_window_seconds + 1);
  for (std::int64_t s = from; s <= second; ++s) {
    collector_.record(static_cast<Time>(s), metric, *value);
  }
  last = second;
}

Recommendation KpaPolicy::recommend(const Observation& obs) {
  std::int32_t ready = 0;
  for (const PodInfo& pod : obs.pods) ready += counts_as_ready(pod) ? 1 : 0;
  if (!decider_) decider_.emplace(spec_, obs.now, ready);

  for (ScalingMetric m : {ScalingMetric::Concurrency, ScalingMetric::Rps}) {
    record(m, revision_value(obs, m), obs.now);
  }

  Recommendation rec;
  const std::string metric = metric_label(spec_.metric);
  std::optional<kpa::StableAndPanic> observed;
  if (!revision_value(obs, spec_.metric)) {
    rec.reason = "no decision: no ready pod reports " + metric + "; keeping the current count";
  } else {
    observed = collector_.stable_and_panic(spec_.metric, obs.now,
                                           /*has_scrape_target=*/spec_.target_burst_capacity != -1);
    if (!observed) rec.reason = "no decision: no " + metric + " data in the stable window";
  }
  if (!observed) {
    rec.valid = false;
    rec.desired_replicas = obs.scale.spec_replicas;
    for (const char* window : {"stable ", "panic "}) {
      MetricProposal p;
      p.name = window + metric;
      p.target = spec_.target_value;
      p.error = rec.reason;
      rec.metrics.push_back(std::move(p));
    }
    return rec;
  }

  const kpa::ScaleResult result = decider_->scale(obs.now, observed, ready);
  const kpa::DecisionTrace& t = decider_->last_trace();
  rec.valid = result.valid;
  rec.desired_replicas = result.desired_pod_count;
  rec.reason = kpa::summarize_decision(t, spec_);

  MetricProposal stable;
  stable.name = "stable " + metric;
  stable.value = t.stable;
  stable.target = spec_.target_value;
  stable.usage_ratio = t.stable / (spec_.target_value * t.pods_for_ratios);
  stable.proposed_replicas = t.stable_want;
  MetricProposal panic;
  panic.name = "panic " + metric;
  panic.value = t.panic;
  panic.target = spec_.target_value;
  panic.usage_ratio = t.panic / (spec_.target_value * t.pods_for_ratios);
  panic.proposed_replicas = t.panic_want;
  rec.metrics.push_back(std::move(stable));
  rec.metrics.push_back(std::move(panic));
  return rec;
}

}  // namespace userscale
