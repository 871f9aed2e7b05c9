#include "watch/results_source.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace userscale::watch {

Result<std::unique_ptr<ResultsSource>> ResultsSource::open(const std::string& dir, Clock& clock,
                                                           double speed) {
  if (!(speed > 0.0) || !std::isfinite(speed)) {
    return Error{"--speed", "must be a positive number of simulated seconds per second"};
  }
  auto runs = load_runs(dir);
  if (!runs.ok()) return runs.error();
  return std::make_unique<ResultsSource>(dir, std::move(runs).value(), clock, speed);
}

ResultsSource::ResultsSource(std::string label, std::vector<ReplayRun> runs, Clock& clock,
                             double speed)
    : label_(std::move(label)), runs_(std::move(runs)), clock_(clock), speed_(speed) {
  bool any = false;
  double first = std::numeric_limits<double>::infinity();
  for (const ReplayRun& r : runs_) {
    if (!r.rows.empty()) {
      first = std::min(first, r.rows.front().t);
      end_ = std::max(end_, r.rows.back().t);
      any = true;
    }
    if (!r.decisions.empty()) end_ = std::max(end_, r.decisions.back().t);
  }
  start_ = any ? first : 0.0;
  end_ = std::max(end_, start_);
  sim_ = start_;
}

std::string ResultsSource::describe() const {
  char speed[32];
  std::snprintf(speed, sizeof speed, "%g", speed_);
  return "results " + label_ + " (replay x" + speed + ")";
}

void ResultsSource::advance() {
  const double now = clock_.now();
  if (!started_) {
    started_ = true;
  } else if (!paused_) {
    sim_ = std::min(end_, sim_ + (now - last_now_) * speed_);
  }
  last_now_ = now;
}

void ResultsSource::set_paused(bool paused) {
  if (paused == paused_) return;
  // The time up to the pause still counts; the time paused does not.
  if (started_) advance();
  paused_ = paused;
}

TargetView ResultsSource::view_at(const ReplayRun& run, double t) const {
  TargetView v;
  v.name = run.name;
  v.policy = run.policy;
  v.service.slo_ms = run.slo_ms;
  auto after = std::upper_bound(run.rows.begin(), run.rows.end(), t,
                                [](double x, const TimelinePoint& p) { return x < p.t; });
  if (after == run.rows.begin()) return v;  // no sample yet
  const TimelinePoint& p = *(after - 1);
  v.desired = p.desired;
  v.current = p.pods + p.pending;  // the replicas that exist, placed or not
  v.ready = p.ready;
  v.phase_counts = {{"pending", p.pending},
                    {"starting/terminating", std::max(0, p.pods - p.ready)},
                    {"ready", p.ready}};
  for (std::size_t i = 0; i < p.gpu_util.size(); ++i) {
    GpuView g;
    g.uuid = "gpu" + std::to_string(i);
    g.utilization = p.gpu_util[i];
    v.gpus.push_back(std::move(g));
  }
  v.service.arrival_rps = p.arrivals_rps;
  v.service.throughput_rps = p.throughput_rps;
  v.service.in_flight = p.in_flight;
  v.service.queued = p.queued;
  v.service.latency_p50_ms = p.latency_p50_ms;
  v.service.latency_p95_ms = p.latency_p95_ms;
  v.service.latency_p99_ms = p.latency_p99_ms;
  return v;
}

Poll ResultsSource::poll() {
  const bool first = !started_;
  advance();
  Poll out;
  out.snapshot.source = "replay";
  out.snapshot.time = sim_;
  out.snapshot.relative_time = true;
  out.snapshot.end_time = end_;
  const double from = first ? -std::numeric_limits<double>::infinity() : delivered_;
  for (const ReplayRun& run : runs_) {
    out.snapshot.targets.push_back(view_at(run, sim_));
    for (const TimelinePoint& p : run.rows) {
      if (p.t > from && p.t <= sim_) {
        out.samples.push_back(
            TargetSample{run.name, Sample{p.t, p.desired, p.pods + p.pending, p.ready}});
      }
    }
    for (const ReplayDecision& d : run.decisions) {
      if (d.t > from && d.t <= sim_) {
        out.decisions.push_back(TargetDecision{run.name, DecisionLine{d.t, d.line}});
      }
    }
  }
  delivered_ = sim_;
  out.finished = sim_ >= end_;
  return out;
}

}  // namespace userscale::watch
