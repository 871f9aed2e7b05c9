#include "core/policies/latency.h"

#include <cmath>

#include "core/policies/policy_signals.h"

namespace userscale {

LatencyParams read_latency_params(ParamReader& reader, double sync_period_seconds) {
  LatencyParams p;
  p.staleness = 3 * sync_period_seconds;
  reader.number("threshold_ms", p.threshold_ms, Bounds::greater_than(0));
  reader.number("scale_down_below_ms", p.scale_down_below_ms, Bounds::at_least(0));
  reader.duration("window", p.window, Bounds::open_closed(0, 86400));
  reader.duration("period", p.period, Bounds::closed(0, 86400));
  reader.duration("staleness", p.staleness, Bounds::open_closed(0, 86400));
  if (p.scale_down_below_ms >= p.threshold_ms) {
    reader.fail(reader.has("scale_down_below_ms") ? "scale_down_below_ms" : "threshold_ms",
                "scale_down_below_ms (" + format_shortest(p.scale_down_below_ms) +
                    ") must be below threshold_ms (" + format_shortest(p.threshold_ms) + ")");
  }
  return p;
}

Result<LatencyParams> parse_latency_params(const ParamMap& params, double sync_period_seconds) {
  ParamReader reader(params);
  LatencyParams p = read_latency_params(reader, sync_period_seconds);
  return first_error_or(reader.finish(), p);
}

Recommendation LatencyPolicy::recommend(const Observation& obs) {
  const Time now = obs.now;
  const std::int32_t current = obs.scale.spec_replicas;
  const SignalReading reading = read_latency_ms(obs, params_.staleness);
  if (reading.value && !reading.idle) window_.push_back({now, *reading.value});
  while (!window_.empty() && window_.front().time <= now - params_.window) window_.pop_front();

  std::optional<double> average;
  if (!window_.empty()) {
    double sum = 0;
    for (const auto& s : window_) sum += s.latency_ms;
    average = sum / static_cast<double>(window_.size());
  } else if (reading.idle) {
    average = 0.0;
  }
  const std::string avg_text =
      format_fixed(params_.window, 0) + " s average latency " + format_optional(average, 0, "ms");

  Recommendation rec;
  rec.desired_replicas = current;
  MetricProposal m;
  m.name = "latency";
  m.target = params_.threshold_ms;
  m.value = average;
  if (average) m.usage_ratio = *average / params_.threshold_ms;

  if (last_evaluation_ && now - *last_evaluation_ < params_.period) {
    const double left = std::ceil(params_.period - (now - *last_evaluation_));
    rec.reason =
        "waiting for the next evaluation (" + format_fixed(left, 0) + " s left; " + avg_text + ")";
    m.proposed_replicas = current;
    rec.metrics.push_back(m);
    return rec;
  }
  last_evaluation_ = now;

  if (!reading.value || !average) {
    rec.valid = false;
    m.error = "unknown: " + reading.doubt();
    rec.metrics.push_back(m);
    rec.reason = "latency unknown (" + reading.doubt() + "): no scaling action, keeping " +
                 std::to_string(current) + " replicas";
    return rec;
  }
  const std::string replicas_text = std::to_string(current);
  if (*average > params_.threshold_ms) {
    rec.desired_replicas = clamp_proposal(current + 1.0);
    rec.reason = "SCALED " + replicas_text + " -> " + std::to_string(rec.desired_replicas) +
                 " (high latency: " + avg_text + " > " + format_shortest(params_.threshold_ms) +
                 "ms)";
  } else if (*average < params_.scale_down_below_ms && current > 1) {
    if (!reading.complete()) {
      rec.valid = false;
      rec.reason = "no scale-down on doubt (latency: " + reading.doubt() + "): keeping " +
                   replicas_text + " replicas (" + avg_text + ")";
    } else {
      rec.desired_replicas = current - 1;
      rec.reason = "SCALED " + replicas_text + " -> " + std::to_string(current - 1) +
                   " (low latency: " + avg_text + " < " +
                   format_shortest(params_.scale_down_below_ms) + "ms)";
    }
  } else {
    rec.reason = "no scaling action needed (replicas=" + replicas_text + " " + avg_text + ")";
  }
  m.proposed_replicas = rec.desired_replicas;
  rec.metrics.push_back(m);
  return rec;
}

}  // namespace userscale
