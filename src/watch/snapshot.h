// The live state of a scaler as `userscale watch` sees it: the JSON model of the scaler's
// /api/v1/snapshot (the live-state contract), read leniently. Every number may be unknown
// (std::nullopt): a field that is missing, null or of the wrong type reads as unknown, so that
// a newer or older scaler still shows what it can. A replayed run fills the same structs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace userscale::watch {

struct PodView {
  std::string name;
  std::string phase;  // pending | starting | ready | terminating (others are shown as given)
  std::optional<double> age_seconds;
  std::string gpu;  // GPU UUID, "" when none or unknown
};

struct GpuView {
  std::string uuid;
  std::string model;
  std::optional<double> utilization;  // percent
  std::optional<double> memory_used_bytes;
  std::optional<double> memory_total_bytes;
  std::optional<std::vector<std::string>> pods;  // unknown in a replay
};

struct ServiceView {
  std::optional<double> arrival_rps;
  std::optional<double> throughput_rps;
  std::optional<double> in_flight;
  std::optional<double> queued;
  std::optional<double> latency_p50_ms;
  std::optional<double> latency_p95_ms;
  std::optional<double> latency_p99_ms;
  std::optional<double> slo_ms;
};

struct DecisionLine {
  std::optional<double> time;
  std::string line;
};

struct TargetView {
  std::string name;
  std::string policy;
  std::optional<int> min;
  std::optional<int> max;
  std::optional<int> desired;
  std::optional<int> current;
  std::optional<int> ready;
  std::vector<PodView> pods;
  // Pod counts by phase when the pods are not listed one by one (a replayed timeline holds
  // only counts). Empty: count `pods` instead.
  std::vector<std::pair<std::string, int>> phase_counts;
  std::vector<GpuView> gpus;
  ServiceView service;
  std::vector<DecisionLine> decisions;  // newest last
};

struct Snapshot {
  std::string source;          // the world's name, or "replay"
  std::optional<double> time;  // unix seconds; seconds since the start when relative_time
  bool relative_time = false;
  std::optional<double> end_time;  // a replay's last instant
  std::vector<TargetView> targets;
};

// One record of /api/v1/decisions.
struct DecisionRecordLine {
  long long seq = 0;
  std::string target;
  std::optional<double> time;
  std::string line;
};

struct DecisionsPage {
  std::optional<long long> next;
  std::vector<DecisionRecordLine> records;
};

}  // namespace userscale::watch
