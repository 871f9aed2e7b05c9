// The simulator's output files: DIR/summary.json, DIR/timeline.csv (one row per sample period)
// and DIR/events.jsonl (one decision record per controller tick), written as the run goes.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "config/scenario.h"
#include "core/result.h"
#include "sim/results.h"

namespace userscale::sim {

nlohmann::json summary_json(const Summary& s);

// Streams timeline rows and decision records to files in `dir` (created if missing).
class FileSink : public Sink {
 public:
  static Result<std::unique_ptr<FileSink>> open(const std::string& dir, int gpu_columns);
  void on_decision(const DecisionRecord& rec) override;
  void on_sample(const TimelineRow& row) override;
  Status finish(const Summary& summary);

 private:
  FileSink() = default;
  std::string dir_;
  std::ofstream timeline_;
  std::ofstream events_;
  int gpu_columns_ = 0;
};

// How many per-GPU columns the timeline of a scenario has (the cluster's largest GPU set).
int timeline_gpu_columns(const config::Scenario& sc);

}  // namespace userscale::sim
