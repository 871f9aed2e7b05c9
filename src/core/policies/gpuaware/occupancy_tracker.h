// How many requests each replica holds on average, from the in-flight and queued counts its
// scrapes show.
//
// One scrape is one instant: a replica that averages 0.35 requests inside is found with 2 or
// 3 often enough, and read as that busy it would look three times slower than it is
// (replica_load.h). Little's law over the metrics window (throughput x mean latency) gives the
// mean, but only of requests that completed in the window: while a queue builds, or when
// requests outlast the window, it lags far behind what is inside. So each replica's counts are
// smoothed over its scrapes (an EWMA that starts from Little's mean, or from the first scrape
// when that mean makes it improbable): noise averages out, and a replica that stays full reads
// full within a few scrapes.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/observation.h"

namespace userscale {

class OccupancyTracker {
 public:
  explicit OccupancyTracker(double alpha) : alpha_(alpha) {}

  // Takes each pod's new scrape (a sample time not seen before); forgets pods that are gone.
  void observe(const Observation& obs);

  // The pod's mean requests inside; nullopt for a pod whose counts were never readable.
  std::optional<double> mean(const std::string& pod) const;

 private:
  struct Seen {
    double mean = 0;
    std::optional<Time> sample_time;
  };
  double alpha_;
  std::map<std::string, Seen> seen_;
};

}  // namespace userscale
