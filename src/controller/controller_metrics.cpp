#include "controller/controller_metrics.h"

#include <algorithm>

#include "metrics/prometheus_writer.h"

namespace userscale::controller {
namespace {

const std::vector<double>& tick_bounds() {
  static const std::vector<double> kBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,   1.0,  2.5,   5.0,  10.0};
  return kBounds;
}

}  // namespace

ControllerMetrics::ControllerMetrics() : tick_buckets_(tick_bounds().size() + 1, 0) {}

void ControllerMetrics::register_target(const std::string& target, const std::string& source) {
  std::lock_guard lock(mu_);
  replicas_[target];
  source_errors_[{target, source}];
}

void ControllerMetrics::set_replicas(const std::string& target, int desired, int current,
                                     int ready) {
  std::lock_guard lock(mu_);
  replicas_[target] = Replicas{desired, current, ready, true};
}

void ControllerMetrics::count_decision(const std::string& target, const std::string& reason) {
  std::lock_guard lock(mu_);
  ++decisions_[{target, reason}];
}

void ControllerMetrics::count_source_error(const std::string& target, const std::string& source) {
  std::lock_guard lock(mu_);
  ++source_errors_[{target, source}];
}

void ControllerMetrics::observe_tick(double seconds) {
  const auto& b = tick_bounds();
  const auto i =
      static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), seconds) - b.begin());
  std::lock_guard lock(mu_);
  ++tick_buckets_[i];
  tick_sum_ += seconds;
  ++tick_count_;
}

std::uint64_t ControllerMetrics::source_errors(const std::string& target) const {
  std::lock_guard lock(mu_);
  std::uint64_t n = 0;
  for (const auto& [key, v] : source_errors_) {
    if (key.first == target) n += v;
  }
  return n;
}

std::optional<int> ControllerMetrics::desired_replicas(const std::string& target) const {
  std::lock_guard lock(mu_);
  const auto it = replicas_.find(target);
  if (it == replicas_.end() || !it->second.decided) return std::nullopt;
  return it->second.desired;
}

std::string ControllerMetrics::render() const {
  using metrics::MetricType;
  metrics::PrometheusWriter w;
  std::lock_guard lock(mu_);
  w.family("userscale_desired_replicas", "Replicas the controller asked for.", MetricType::Gauge);
  for (const auto& [t, r] : replicas_) {
    if (r.decided) w.sample("userscale_desired_replicas", {{"target", t}}, r.desired);
  }
  w.family("userscale_current_replicas", "Replicas running and not terminating.",
           MetricType::Gauge);
  for (const auto& [t, r] : replicas_)
    w.sample("userscale_current_replicas", {{"target", t}}, r.current);
  w.family("userscale_ready_replicas", "Replicas ready for traffic.", MetricType::Gauge);
  for (const auto& [t, r] : replicas_)
    w.sample("userscale_ready_replicas", {{"target", t}}, r.ready);
  w.family("userscale_decisions_total", "Decisions taken, by kind.", MetricType::Counter);
  for (const auto& [k, n] : decisions_) {
    w.sample("userscale_decisions_total", {{"target", k.first}, {"reason", k.second}},
             static_cast<double>(n));
  }
  w.family("userscale_source_errors_total",
           "Failed or stale observations (each failed attempt counts).", MetricType::Counter);
  for (const auto& [k, n] : source_errors_) {
    w.sample("userscale_source_errors_total", {{"target", k.first}, {"source", k.second}},
             static_cast<double>(n));
  }
  w.family("userscale_tick_duration_seconds", "Seconds one target's tick took.",
           MetricType::Histogram);
  std::vector<std::uint64_t> cumulative(tick_buckets_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < tick_buckets_.size(); ++i)
    cumulative[i] = running += tick_buckets_[i];
  w.histogram("userscale_tick_duration_seconds", {}, tick_bounds(), cumulative, tick_sum_);
  return w.text();
}

}  // namespace userscale::controller
