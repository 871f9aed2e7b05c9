#include "core/policies/userscale_score.h"

#include <algorithm>
#include <cmath>

#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

// Levels must rise: `lower` < `upper`. Reported against the one the user wrote (the upper one
// when both or neither were written).
void require_rising(ParamReader& reader, const char* lower_key, double lower, const char* upper_key,
                    double upper) {
  if (lower < upper) return;
  const bool blame_lower = reader.has(lower_key) && !reader.has(upper_key);
  reader.fail(blame_lower ? lower_key : upper_key,
              std::string(lower_key) + " (" + format_shortest(lower) + ") must be below " +
                  upper_key + " (" + format_shortest(upper) + ")");
}

// One scored signal this tick.
struct Component {
  std::string name;
  SignalReading reading;
  double weight = 0;
  std::vector<ScoreAnchor> anchors;
  double target = 0;
  double critical = 0;
  const char* unit = "";
  int decimals = 1;
  double points = 0;

  std::string text() const { return name + "=" + format_optional(reading.value, decimals, unit); }
};

}  // namespace

UserscaleScoreParams read_userscale_score_params(ParamReader& reader, double sync_period_seconds) {
  UserscaleScoreParams p;
  p.staleness = 3 * sync_period_seconds;
  const Bounds positive = Bounds::greater_than(0);
  const Bounds percent = Bounds::closed(0, 100);
  reader.number("requests_target", p.requests_target, positive);
  reader.number("requests_high", p.requests_high, positive);
  reader.number("requests_critical", p.requests_critical, positive);
  reader.number("gpu_idle", p.gpu_idle, percent);
  reader.number("gpu_target", p.gpu_target, percent);
  reader.number("gpu_high", p.gpu_high, percent);
  reader.number("gpu_critical", p.gpu_critical, percent);
  reader.number("latency_target_ms", p.latency_target_ms, positive);
  reader.number("latency_high_ms", p.latency_high_ms, positive);
  reader.number("latency_critical_ms", p.latency_critical_ms, positive);
  reader.number("score_up", p.score_up, Bounds::open_closed(0, 100));
  reader.number("score_up_fast", p.score_up_fast, Bounds::open_closed(0, 100));
  reader.number("score_down", p.score_down, Bounds::closed(0, 100));
  reader.integer("step_up", p.step_up, 1, kMaxProposedReplicas);
  reader.integer("step_up_fast", p.step_up_fast, 1, kMaxProposedReplicas);
  reader.integer("step_down", p.step_down, 1, kMaxProposedReplicas);
  reader.duration("scale_up_cooldown", p.scale_up_cooldown, Bounds::closed(0, 86400));
  reader.duration("scale_down_cooldown", p.scale_down_cooldown, Bounds::closed(0, 86400));
  reader.duration("trend_window", p.trend_window, Bounds::open_closed(0, 86400));
  reader.duration("trend_horizon", p.trend_horizon, Bounds::open_closed(0, 86400));
  reader.duration("staleness", p.staleness, Bounds::open_closed(0, 86400));
  reader.name_list("signals", p.signals, userscale_score_signal_names());

  require_rising(reader, "requests_target", p.requests_target, "requests_high", p.requests_high);
  require_rising(reader, "requests_high", p.requests_high, "requests_critical",
                 p.requests_critical);
  require_rising(reader, "gpu_idle", p.gpu_idle, "gpu_target", p.gpu_target);
  require_rising(reader, "gpu_target", p.gpu_target, "gpu_high", p.gpu_high);
  require_rising(reader, "gpu_high", p.gpu_high, "gpu_critical", p.gpu_critical);
  require_rising(reader, "latency_target_ms", p.latency_target_ms, "latency_high_ms",
                 p.latency_high_ms);
  require_rising(reader, "latency_high_ms", p.latency_high_ms, "latency_critical_ms",
                 p.latency_critical_ms);
  require_rising(reader, "score_down", p.score_down, "score_up", p.score_up);
  if (p.score_up_fast < p.score_up) {
    reader.fail(reader.has("score_up_fast") ? "score_up_fast" : "score_up",
                "score_up_fast (" + format_shortest(p.score_up_fast) + ") must be >= score_up (" +
                    format_shortest(p.score_up) + ")");
  }
  if (p.step_up_fast < p.step_up) {
    reader.fail(reader.has("step_up_fast") ? "step_up_fast" : "step_up",
                "step_up_fast (" + std::to_string(p.step_up_fast) + ") must be >= step_up (" +
                    std::to_string(p.step_up) + ")");
  }
  return p;
}

Result<UserscaleScoreParams> parse_userscale_score_params(const ParamMap& params,
                                                          double sync_period_seconds) {
  ParamReader reader(params);
  UserscaleScoreParams p = read_userscale_score_params(reader, sync_period_seconds);
  return first_error_or(reader.finish(), std::move(p));
}

double score_points(double value, double weight, const std::vector<ScoreAnchor>& anchors) {
  if (anchors.empty()) return 0;
  if (value <= anchors.front().level) return weight * anchors.front().share;
  for (std::size_t i = 1; i < anchors.size(); ++i) {
    const ScoreAnchor& a = anchors[i - 1];
    const ScoreAnchor& b = anchors[i];
    if (value <= b.level) {
      const double f = (value - a.level) / (b.level - a.level);
      return weight * (a.share + f * (b.share - a.share));
    }
  }
  return weight * anchors.back().share;
}

std::optional<double> UserscaleScorePolicy::trend(Time now, int serving) const {
  if (history_.size() < 2) return std::nullopt;
  double mean_t = 0, mean_y = 0;
  for (const auto& s : history_) {
    mean_t += s.time - now;  // relative times keep the sums small and exact
    mean_y += s.total_requests;
  }
  const double n = static_cast<double>(history_.size());
  mean_t /= n;
  mean_y /= n;
  double cov = 0, var = 0;
  for (const auto& s : history_) {
    const double dt = s.time - now - mean_t;
    cov += dt * (s.total_requests - mean_y);
    var += dt * dt;
  }
  if (var <= 0) return std::nullopt;
  const double slope = cov / var;  // requests per second
  return slope * params_.trend_horizon / (params_.requests_target * std::max(serving, 1));
}

Recommendation UserscaleScorePolicy::recommend(const Observation& obs) {
  const Time now = obs.now;
  const std::int32_t current = obs.scale.spec_replicas;
  memory_.observe(now, current);
  const auto enabled = [this](const char* name) {
    return std::find(params_.signals.begin(), params_.signals.end(), name) != params_.signals.end();
  };

  std::vector<Component> components;
  if (enabled("requests")) {
    Component c{"requests",
                read_concurrent_requests(obs, params_.staleness),
                kRequestsWeight,
                {{0, 0},
                 {params_.requests_target, 0.5},
                 {params_.requests_high, 0.75},
                 {params_.requests_critical, 1}},
                params_.requests_target,
                params_.requests_critical,
                "/pod",
                1};
    if (c.reading.value) history_.push_back({now, *c.reading.value * c.reading.serving});
    components.push_back(std::move(c));
  }
  while (!history_.empty() && history_.front().time <= now - params_.trend_window) {
    history_.pop_front();
  }
  if (enabled("gpu")) {
    components.push_back({"gpu",
                          read_gpu_utilization(obs, params_.staleness),
                          kGpuWeight,
                          {{params_.gpu_idle, 0},
                           {params_.gpu_target, 0.5},
                           {params_.gpu_high, 0.75},
                           {params_.gpu_critical, 1}},
                          params_.gpu_target,
                          params_.gpu_critical,
                          "%",
                          1});
  }
  if (enabled("latency")) {
    components.push_back({"latency",
                          read_latency_ms(obs, params_.staleness),
                          kLatencyWeight,
                          {{0, 0},
                           {params_.latency_target_ms, 0.5},
                           {params_.latency_high_ms, 0.75},
                           {params_.latency_critical_ms, 1}},
                          params_.latency_target_ms,
                          params_.latency_critical_ms,
                          "ms",
                          0});
  }

  Recommendation rec;
  rec.desired_replicas = current;
  double points = 0, weights = 0;
  bool any_known = false;
  std::string values, doubts, critical, hot;
  int serving = 0;
  for (auto& c : components) {
    weights += c.weight;
    serving = std::max(serving, c.reading.serving);
    values += (values.empty() ? "" : " ") + c.text();
    MetricProposal m;
    m.name = c.name;
    m.target = c.target;
    if (!c.reading.complete()) {
      doubts += (doubts.empty() ? "" : "; ") + c.name + ": " + c.reading.doubt();
    }
    if (c.reading.value) {
      const double v = *c.reading.value;
      any_known = true;
      c.points = score_points(v, c.weight, c.anchors);
      points += c.points;
      m.value = v;
      m.usage_ratio = v / c.target;
      if (v >= c.critical && critical.empty()) {
        critical = c.text() + " at or above critical " + format_shortest(c.critical) + c.unit;
      }
      if (v > c.target && hot.empty()) {
        hot = c.text() + " is above its target " + format_shortest(c.target) + c.unit;
      }
    } else {
      m.error = "unknown: " + c.reading.doubt();
    }
    rec.metrics.push_back(std::move(m));
  }
  if (enabled("requests")) {
    const std::optional<double> t = trend(now, serving);
    const double trend_points = kTrendWeight * (0.5 + 0.5 * std::clamp(t.value_or(0.0), -1.0, 1.0));
    weights += kTrendWeight;
    points += trend_points;
    values += " trend=" + format_fixed(trend_points, 1) + "/10";
    MetricProposal m;
    m.name = "trend";
    m.value = t;
    if (!t) m.error = "fewer than two load samples in the trend window: counted as flat";
    rec.metrics.push_back(std::move(m));
  }
  const double score = 100 * points / weights;
  const std::string score_text = format_fixed(score, 1);
  MetricProposal score_metric;
  score_metric.name = "score";
  score_metric.value = score;
  score_metric.target = params_.score_up;

  const std::string keep = "keeping " + std::to_string(current) + " replicas";
  if (!any_known) {
    rec.valid = false;
    rec.reason = "no signal known (" + doubts + "): " + keep;
    rec.metrics.push_back(score_metric);
    return rec;
  }

  std::int32_t step = 0;
  std::string why;
  if (score >= params_.score_up_fast) {
    step = params_.step_up_fast;
    why = "score " + score_text + " >= " + format_shortest(params_.score_up_fast);
  } else if (score >= params_.score_up) {
    step = params_.step_up;
    why = "score " + score_text + " >= " + format_shortest(params_.score_up);
  } else if (!critical.empty()) {
    step = params_.step_up;
    why = critical + " (score " + score_text + ")";
  } else if (score <= params_.score_down) {
    if (!hot.empty()) {
      rec.reason = "no scale needed: score " + score_text +
                   " <= " + format_shortest(params_.score_down) + " but " + hot + " (" + values +
                   ")";
    } else if (!doubts.empty()) {
      rec.valid = false;
      rec.reason = "no scale-down on doubt (" + doubts + "): " + keep + " (score " + score_text +
                   " " + values + ")";
    } else {
      step = -params_.step_down;
      why = "score " + score_text + " <= " + format_shortest(params_.score_down);
    }
  }
  const std::int32_t target = clamp_proposal(static_cast<double>(current) + step);
  if (step == 0 || target == current) {
    if (rec.reason.empty()) {
      rec.reason = "no scale needed: score " + score_text +
                   " (replicas=" + std::to_string(current) + " " + values + ")";
    }
    score_metric.proposed_replicas = current;
    rec.metrics.push_back(score_metric);
    return rec;
  }

  const bool up = target > current;
  const Duration cooldown = up ? params_.scale_up_cooldown : params_.scale_down_cooldown;
  const std::optional<Duration> since = memory_.since_last_change(now);
  if (since && *since < cooldown) {
    rec.reason = "blocked by cooldown (" + format_fixed(std::ceil(cooldown - *since), 0) +
                 " s left; " + why + " wants " + std::to_string(current) + " -> " +
                 std::to_string(target) + ") (" + values + ")";
    score_metric.proposed_replicas = current;
    rec.metrics.push_back(score_metric);
    return rec;
  }
  memory_.proposed(now, current, target);
  rec.desired_replicas = target;
  rec.reason = "SCALED " + std::to_string(current) + " -> " + std::to_string(target) + ": " + why +
               " (" + values + ")";
  score_metric.proposed_replicas = target;
  rec.metrics.push_back(score_metric);
  return rec;
}

}  // namespace userscale
