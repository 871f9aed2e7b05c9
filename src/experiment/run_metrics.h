// The per-run quantities the comparison needs beyond the simulator's summary: the seed
// experiment's derived metrics (GPU utilization, CPU per pod, requests and users per pod, ...)
// and the capacity ones (time to first scale-up, time to reach needed capacity, over- and
// under-provisioned replica-seconds), computed from the timeline and the scaling decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/scenario.h"
#include "experiment/capacity_model.h"
#include "sim/results.h"

namespace userscale::experiment {

// One rescale the controller made.
struct ScaleChange {
  double t = 0.0;
  std::int32_t from = 0;
  std::int32_t to = 0;
};

// What a run leaves behind besides its summary.
struct RunTrace {
  std::vector<sim::TimelineRow> timeline;
  std::vector<ScaleChange> scale_changes;
};

// Captures the timeline rows and the rescales of one run, in memory.
class CaptureSink : public sim::Sink {
 public:
  void on_decision(const sim::DecisionRecord& rec) override;
  void on_sample(const sim::TimelineRow& row) override;
  RunTrace take() { return std::move(trace_); }

 private:
  RunTrace trace_;
};

// Named values, in a fixed order; nullopt where the quantity did not happen (no scale-up, the
// needed capacity never reached). The names are the keys of `analysis` in summary.json.
using NamedValues = std::vector<std::pair<std::string, std::optional<double>>>;

struct RunContext {
  const config::Scenario* scenario = nullptr;
  const CapacityModel* capacity = nullptr;
  double closed_loop_demand_rps = 0.0;  // 0 for open-loop loads
};

NamedValues run_metrics(const RunContext& ctx, const sim::Summary& s, const RunTrace& trace);

// How many of the timeline's GPU columns exist at a row: all of them for a fixed cluster; the
// nodes' GPUs when nodes come and go.
double gpus_present(const config::Scenario& sc, const sim::TimelineRow& row);

}  // namespace userscale::experiment
