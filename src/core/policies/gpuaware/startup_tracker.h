// How long new replicas take to serve, and how long unscheduled ones have waited.
//
// A replica first seen not Ready (pending or starting) is remembered; when it turns Ready,
// the time from when it was first seen (or its start time, if earlier) to its Ready
// transition is one sample of the provisioning delay: scheduling, node provisioning, image
// pull, CUDA init, model load, readiness. The samples are smoothed (EWMA, weight 0.5). The
// delay is gpuaware's forecast horizon: what is asked now serves only that much later.
// Unscheduled pods are timed from when they were first seen pending: past a grace they say
// that no slice is free; past the supply timeout, that no new GPU is coming.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/policies/gpuaware/cluster_view.h"

namespace userscale {

class StartupTracker {
 public:
  void observe(const ClusterView& view, Time now);

  std::optional<Duration> delay() const { return delay_; }
  // Our unscheduled pods that have waited longer than `age`.
  int pending_longer_than(Duration age, Time now) const;
  Duration oldest_pending(Time now) const;

 private:
  std::map<std::string, Time> first_seen_;     // replicas seen not Ready, until Ready
  std::map<std::string, Time> pending_since_;  // unscheduled replicas
  std::optional<Duration> delay_;
};

}  // namespace userscale
