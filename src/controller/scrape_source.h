// The direct-scrape source: GET /metrics of every replica (no Prometheus in between), rates
// and latency percentiles over a window of this source's own past scrapes.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "controller/metric_source.h"
#include "controller/serve_signals.h"

namespace userscale::controller {

struct ScrapeSourceOptions {
  Duration window = 10.0;  // rates over (at least) this many seconds of scrapes
  double cpu_request_cores = 1.0;
};

class ScrapeSource final : public MetricSource {
 public:
  explicit ScrapeSource(ScrapeSourceOptions o = {}) : o_(o) {}
  std::string name() const override { return "scrape"; }
  Result<Observation> observe(const ObserveRequest& request) override;

 private:
  ScrapeSourceOptions o_;
  // Per replica name: (time, counters), oldest first.
  std::map<std::string, std::deque<std::pair<Time, ServeCounters>>> history_;
};

}  // namespace userscale::controller
