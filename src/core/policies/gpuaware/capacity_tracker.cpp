#include "core/policies/gpuaware/capacity_tracker.h"

#include <algorithm>
#include <set>

namespace userscale {
namespace {

// A lightly loaded replica says little about its limit: its sample weighs less.
constexpr double kMinSampleWeight = 0.2;

// The weight of a capacity sample taken at `utilization`. A reading above the estimate weighs
// in proportion to the utilization (floored). A reading below it is, from a lightly loaded
// replica, a lower bound rather than a measurement: a replica that serves requests side by side
// reads as a slower single server until its load shows its limit. It weighs in proportion to
// the square of the utilization, with no floor, so that quiet hours do not erase what the busy
// ones measured; a replica whose capacity really fell shows it by getting busy.
double sample_weight(double alpha, double utilization, const std::optional<double>& estimate,
                     double sample) {
  const double u = std::clamp(utilization, 0.0, 1.0);
  if (estimate && sample < *estimate) return alpha * u * u;
  return alpha * std::max(u, kMinSampleWeight);
}
// Below this utilization a replica's latency is taken as its service time.
constexpr double kUnqueuedUtilization = 0.5;
// Before any metrics window has been seen.
constexpr Duration kDefaultSettle = 30;

}  // namespace

Duration CapacityTracker::settle_time() const {
  if (p_.settle_time > 0) return p_.settle_time;
  return window_ > 0 ? window_ + p_.sync_period : kDefaultSettle;
}

double CapacityTracker::smooth(const std::optional<double>& old, double sample,
                               double weight) const {
  return old ? (1 - weight) * *old + weight * sample : sample;
}

void CapacityTracker::observe(const ClusterView& view, Time now) {
  for (const ReplicaView& r : view.replicas) {
    if (r.load) window_ = std::max(window_, r.window);
  }
  std::set<std::string> present;
  double shared_sum = 0;
  int shared_count = 0;
  double unqueued_sum = 0;
  int unqueued_count = 0;
  for (const GpuView& g : view.gpus) {
    present.insert(g.key);
    const int n = static_cast<int>(g.serving.size());
    auto [it, added] = gpus_.try_emplace(g.key);
    GpuState& st = it->second;
    if (added) {
      // Seen for the first time: its replicas have served since the newest turned Ready.
      st.serving = n;
      st.serving_since = now;
      std::optional<Time> newest;
      for (std::size_t i : g.serving) {
        const auto& since = view.replicas[i].ready_since;
        if (!since) {
          newest.reset();
          break;
        }
        newest = std::max(newest.value_or(*since), *since);
      }
      if (newest) st.serving_since = std::min(now, *newest);
    } else if (st.serving != n) {
      st.serving = n;
      st.serving_since = now;
      st.estimate = GpuEstimate{};
    }
    st.estimate.replicas = n;
    st.estimate.congested = false;
    if (n == 0) continue;

    double capacity = 0, throughput = 0;
    bool complete = true, congested = true;
    for (std::size_t i : g.serving) {
      const ReplicaView& r = view.replicas[i];
      // An idle replica says nothing of what the GPU can do. One that completed nothing in its
      // window with requests inside counts what it did: nothing (short windows at low rates).
      if (!r.load || r.load->idle) {
        complete = false;
        break;
      }
      capacity += r.load->capacity.value_or(r.load->throughput);
      throughput += r.load->throughput;
      congested = congested && r.load->congested;
      if (r.load->latency_s && r.load->utilization < kUnqueuedUtilization) {
        unqueued_sum += *r.load->latency_s;
        ++unqueued_count;
      }
    }
    if (!complete || !(capacity > 0)) continue;
    st.estimate.capacity =
        smooth(st.estimate.capacity, capacity,
               sample_weight(p_.alpha, throughput / capacity, st.estimate.capacity, capacity));
    st.estimate.throughput = smooth(st.estimate.throughput, throughput, p_.alpha);
    st.estimate.congested = congested;

    const std::string cls = gpu_class(g);
    const bool settled = now - st.serving_since >= settle_time();
    if (settled && congested) {
      record(cls, n, capacity, throughput, now);
      judge_congested(cls, n, now);
    } else if (settled) {
      judge_relieved(cls, n, *st.estimate.throughput, now);
    }

    const ReplicaLoad& first = *view.replicas[g.serving.front()].load;
    if (n == 1 && g.starting.empty() && g.leaving == 0 && g.others == 0 && first.capacity) {
      solo_rate_ = smooth(solo_rate_, *first.capacity,
                          sample_weight(p_.alpha, first.utilization, solo_rate_, *first.capacity));
    }
    const std::optional<int> limit = verdict(g, now).useful_limit;
    shared_sum += *st.estimate.capacity / std::min(n, limit.value_or(n));
    ++shared_count;
  }
  if (shared_count > 0) shared_rate_ = shared_sum / shared_count;
  if (unqueued_count > 0) {
    service_time_ = smooth(service_time_, unqueued_sum / unqueued_count, p_.alpha);
  }
  std::erase_if(gpus_, [&](const auto& kv) { return !present.count(kv.first); });
}

void CapacityTracker::record(const std::string& cls, int replicas, double capacity,
                             double throughput, Time now) {
  Point& p = points_[cls][replicas];
  if (p.samples > 0 && now - p.at > p_.saturation_ttl) p = Point{};
  p.capacity = p.samples == 0 ? capacity : (1 - p_.alpha) * p.capacity + p_.alpha * capacity;
  ++p.samples;
  p.completions += throughput * p_.sync_period;  // about what one tick adds
  p.at = now;
}

const CapacityTracker::Point* CapacityTracker::usable_point(const std::string& cls, int replicas,
                                                            Time now, int samples) const {
  auto c = points_.find(cls);
  if (c == points_.end()) return nullptr;
  auto it = c->second.find(replicas);
  if (it == c->second.end()) return nullptr;
  const Point& p = it->second;
  if (p.samples < samples || p.completions < kMinCompletions || now - p.at > p_.saturation_ttl) {
    return nullptr;
  }
  return &p;
}

std::optional<int> CapacityTracker::lower_point(const std::string& cls, int replicas,
                                                Time now) const {
  for (int m = replicas - 1; m >= 1; --m) {
    if (usable_point(cls, m, now, kBaselineSamples)) return m;
  }
  return std::nullopt;
}

void CapacityTracker::judge_congested(const std::string& cls, int n, Time now) {
  // Against a smaller count (the usual probe upward), or a larger one (a replica released to
  // measure what it added: measure_below).
  if (usable_point(cls, n, now, kVerdictSamples)) {
    if (const std::optional<int> m = lower_point(cls, n, now)) judge_pair(cls, *m, n, now);
  }
  if (usable_point(cls, n, now, kBaselineSamples)) {
    for (int h = n + 1; h <= n + kMaxReverseGap; ++h) {
      if (usable_point(cls, h, now, kVerdictSamples)) {
        judge_pair(cls, n, h, now);
        break;
      }
    }
  }
}

void CapacityTracker::judge_pair(const std::string& cls, int m, int n, Time now) {
  const double at_m = usable_point(cls, m, now, kBaselineSamples)->capacity;
  const double at_n = usable_point(cls, n, now, kBaselineSamples)->capacity;
  const double gain_each = (at_n - at_m) / (n - m);
  SaturationVerdict& v = verdicts_[cls];
  if (gain_each < p_.min_gain * at_m / m) {
    v.useful_limit = m;
    v.scales_to = std::min(v.scales_to, m);
  } else {
    v.scales_to = std::max(v.scales_to, n);
    if (v.useful_limit && *v.useful_limit < n) v.useful_limit.reset();
  }
  v.decided = now;
}

bool CapacityTracker::unjudged(const GpuView& gpu, Time now) const {
  const int n = static_cast<int>(gpu.serving.size());
  auto it = gpus_.find(gpu.key);
  if (n < 2 || !gpu.listed || it == gpus_.end() || !it->second.estimate.congested) return false;
  const std::string cls = gpu_class(gpu);
  const SaturationVerdict v = verdict(gpu, now);
  if (v.useful_limit || v.scales_to >= n) return false;
  if (!usable_point(cls, n, now, kVerdictSamples) || lower_point(cls, n, now)) return false;
  auto last = released_.find(cls);
  return last == released_.end() || now - last->second > p_.saturation_ttl;
}

void CapacityTracker::measure_below(const GpuView& gpu, Time now) {
  released_[gpu_class(gpu)] = now;
}

void CapacityTracker::judge_relieved(const std::string& cls, int n, double throughput, Time now) {
  const std::optional<int> m = lower_point(cls, n, now);
  if (!m) return;
  const double at_m = usable_point(cls, *m, now, kBaselineSamples)->capacity;
  // Not congested any more, yet completing clearly more than the congested GPU could at m.
  if (throughput <= at_m + p_.min_gain * at_m / *m) return;
  SaturationVerdict& v = verdicts_[cls];
  v.scales_to = std::max(v.scales_to, n);
  if (v.useful_limit && *v.useful_limit < n) v.useful_limit.reset();
  v.decided = now;
}

GpuEstimate CapacityTracker::estimate(const std::string& gpu) const {
  auto it = gpus_.find(gpu);
  return it == gpus_.end() ? GpuEstimate{} : it->second.estimate;
}

SaturationVerdict CapacityTracker::verdict(const GpuView& gpu, Time now) const {
  auto it = verdicts_.find(gpu_class(gpu));
  if (it == verdicts_.end() || now - it->second.decided > p_.saturation_ttl) return {};
  return it->second;
}

bool CapacityTracker::settling(const GpuView& gpu, Time now) const {
  if (!gpu.starting.empty()) return true;
  auto it = gpus_.find(gpu.key);
  return it != gpus_.end() && now - it->second.serving_since < settle_time();
}

bool CapacityTracker::awaiting_verdict(const GpuView& gpu, int replicas, Time now) const {
  const SaturationVerdict v = verdict(gpu, now);
  if (v.useful_limit || v.scales_to >= replicas) return false;
  return lower_point(gpu_class(gpu), replicas, now).has_value();
}

std::optional<double> CapacityTracker::baseline(const GpuView& gpu, int replicas, Time now) const {
  const Point* p = usable_point(gpu_class(gpu), replicas, now, kBaselineSamples);
  if (!p) return std::nullopt;
  return p->capacity;
}

}  // namespace userscale
