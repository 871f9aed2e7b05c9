// Reading finished runs back for a replay. Three layouts are understood:
//  * a `userscale simulate --out DIR` folder: summary.json, timeline.csv, events.jsonl;
//  * a `userscale experiment --out DIR` folder: summary.json (one row per run), experiment.json
//    and timelines/<scenario>/<policy>/seed-<n>.csv (timelines only: no decision records);
//  * any folder holding simulate folders below it (each one a target, named by its path).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::watch {

// One row of timeline.csv (the columns of src/sim/report_files.cpp, read by name).
struct TimelinePoint {
  double t = 0.0;  // simulated seconds, end of the sample period
  int desired = 0;
  int ready = 0;
  int pods = 0;     // holding a GPU slot: starting, ready, crashed or terminating
  int pending = 0;  // waiting for a slot or a node
  int nodes = 0;
  double in_flight = 0.0;
  double queued = 0.0;
  double latency_p50_ms = 0.0;
  double latency_p95_ms = 0.0;
  double latency_p99_ms = 0.0;
  double arrivals_rps = 0.0;
  double throughput_rps = 0.0;
  std::vector<double> gpu_util;  // percent, per gpuN_util column
};

struct ReplayDecision {
  double t = 0.0;  // simulated seconds
  std::string line;
};

struct ReplayRun {
  std::string name;  // the target as shown
  std::string policy;
  std::optional<double> slo_ms;
  std::vector<TimelinePoint> rows;        // by time
  std::vector<ReplayDecision> decisions;  // by time
};

Result<std::vector<TimelinePoint>> parse_timeline(const std::string& csv_text,
                                                  const std::string& name);
// events.jsonl: the human line and simulated time of every decision record.
Result<std::vector<ReplayDecision>> parse_events(const std::string& jsonl_text,
                                                 const std::string& name);

Result<std::vector<ReplayRun>> load_runs(const std::string& dir);

}  // namespace userscale::watch
