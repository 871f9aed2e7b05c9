// What the replicas and the GPUs can do, learned online from what they do.
//
// Per replica (replica_load.h): mu = X (1 + N) / N. The service-wide capacity of one replica,
// mu_s, is smoothed over the replicas that have a GPU to themselves (a sample weighs in
// proportion to the replica's utilization, floored at 0.2: a lightly loaded replica says
// little about its limit); before any replica has been alone, it is the mean capacity per
// useful replica of the GPUs.
//
// Per physical GPU: its capacity is the sum over its serving replicas (one that completed
// nothing in its window with requests inside counts nothing), smoothed, and restarts
// when the number of serving replicas changes. When the count has not changed for the settle
// time (the metrics window plus one sync period, so that the rates cover only this count) and
// every replica on the GPU is congested, the capacity is a measurement of what the GPU does
// with that many replicas: one point of its class's curve (GPUs of one model alike).
//
// Saturation: with settled points at m < n replicas (3 samples at n, 2 at m, 20 completions at
// each, younger than the TTL), if adding the n - m replicas raised the capacity by less than
// min_gain of one replica's share at m each, the class is saturated at m: more replicas on one such
// GPU add nothing. If it rose by more, or a settled GPU at n is no longer congested while
// completing clearly more than the congested capacity at m, the class scales to n. Verdicts expire
// after the TTL and are learned again. A GPU whose last replica was never judged (added before
// sharing was known, or while the GPU had room) can be measured one replica below: the pair
// is then judged the same way, from the smaller count up.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/policies/gpuaware/cluster_view.h"

namespace userscale {

struct CapacityTrackerParams {
  double alpha = 0.3;
  double min_gain = 0.25;
  Duration settle_time = 0;  // 0: the longest metrics window seen plus one sync period
  Duration saturation_ttl = 3600;
  Duration sync_period = 5;
};

// What a point needs before anything rests on it: samples at the larger count of a verdict,
// samples at the smaller one (the baseline a probe is sent from and judged against), and
// completions seen at either, so that a slow service is not judged on a handful of requests.
inline constexpr int kVerdictSamples = 3;
inline constexpr int kBaselineSamples = 2;
inline constexpr double kMinCompletions = 20;
// A measurement below is judged against a larger count at most this many replicas above.
inline constexpr int kMaxReverseGap = 4;

struct SaturationVerdict {
  std::optional<int> useful_limit;  // replicas beyond this many on one GPU add nothing
  int scales_to = 1;                // replicas measured to add throughput up to this many
  Time decided = 0;
};

struct GpuEstimate {
  std::optional<double> capacity;    // requests/s of all its serving replicas, smoothed
  std::optional<double> throughput;  // requests/s completed, smoothed
  int replicas = 0;                  // serving replicas the estimate is for
  bool congested = false;            // every serving replica congested, this tick
};

class CapacityTracker {
 public:
  explicit CapacityTracker(CapacityTrackerParams params) : p_(params) {}

  void observe(const ClusterView& view, Time now);

  // mu_s: one replica's capacity (requests/s).
  std::optional<double> replica_rate() const { return solo_rate_ ? solo_rate_ : shared_rate_; }
  // The latency of a request that does not wait (seconds): smoothed mean latency of replicas
  // below half utilization.
  std::optional<double> service_time() const { return service_time_; }
  Duration settle_time() const;

  GpuEstimate estimate(const std::string& gpu) const;
  SaturationVerdict verdict(const GpuView& gpu, Time now) const;
  // The GPU's serving count changed less than the settle time ago, or replicas are starting
  // on it: what one more replica would do cannot be told yet.
  bool settling(const GpuView& gpu, Time now) const;
  // The GPU holds replicas of which the last was never judged (it came before sharing was
  // known, or before the GPU was busy), and it is congested and measured now: releasing one
  // replica would tell what it adds. Once per class per TTL (measure_below).
  bool unjudged(const GpuView& gpu, Time now) const;
  void measure_below(const GpuView& gpu, Time now);
  // The last replica added to a GPU of this class at `replicas` is not judged yet: a smaller
  // count was measured congested, and no verdict covers `replicas`.
  bool awaiting_verdict(const GpuView& gpu, int replicas, Time now) const;
  // A settled, congested measurement of the GPU's class at `replicas` replicas (2 samples and
  // 20 completions at least, younger than the TTL): what a probe replica would be judged
  // against.
  std::optional<double> baseline(const GpuView& gpu, int replicas, Time now) const;

 private:
  struct GpuState {
    int serving = 0;
    Time serving_since = 0;
    GpuEstimate estimate;
  };
  struct Point {
    double capacity = 0;
    int samples = 0;
    double completions = 0;
    Time at = 0;
  };

  const Point* usable_point(const std::string& cls, int replicas, Time now, int samples) const;
  std::optional<int> lower_point(const std::string& cls, int replicas, Time now) const;
  void record(const std::string& cls, int replicas, double capacity, double throughput, Time now);
  void judge_congested(const std::string& cls, int replicas, Time now);
  void judge_pair(const std::string& cls, int fewer, int more, Time now);
  void judge_relieved(const std::string& cls, int replicas, double throughput, Time now);
  double smooth(const std::optional<double>& old, double sample, double weight) const;

  CapacityTrackerParams p_;
  std::map<std::string, GpuState> gpus_;
  std::map<std::string, std::map<int, Point>> points_;  // class -> replicas -> capacity
  std::map<std::string, SaturationVerdict> verdicts_;   // by class
  std::map<std::string, Time> released_;                // measure_below, by class
  std::optional<double> solo_rate_;
  std::optional<double> shared_rate_;
  std::optional<double> service_time_;
  Duration window_ = 0;
};

}  // namespace userscale
