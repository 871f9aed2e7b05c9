#include "sim/report_files.h"

#include <cstdio>
#include <filesystem>

#include "config/decision_record_json.h"
#include "config/scenario.h"

namespace userscale::sim {
namespace {

// Fixed formatting, the same bytes on every platform for the same values.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

nlohmann::json summary_json(const Summary& s) {
  nlohmann::json j;
  j["scenario"] = s.scenario;
  j["policy"] = s.policy;
  j["seed"] = s.seed;
  j["duration_s"] = s.duration;
  j["requests"] = s.requests;
  j["completed"] = s.completed;
  j["failed"] = s.failed;
  j["failures"] = {{"rejected", s.rejected},
                   {"timed_out", s.timed_out},
                   {"crashed", s.crashed},
                   {"other", s.failed - s.rejected - s.timed_out - s.crashed}};
  j["oom_kills"] = s.oom_kills;
  j["throughput_rps"] = s.throughput_rps;
  j["latency_ms"] = {{"mean", s.latency_mean_ms},
                     {"p50", s.latency_p50_ms},
                     {"p95", s.latency_p95_ms},
                     {"p99", s.latency_p99_ms},
                     {"max", s.latency_max_ms}};
  j["slo_latency_ms"] = s.slo_latency_ms;
  j["slo_attainment"] = s.slo_attainment;
  j["unfinished_late"] = s.unfinished_late;
  j["replica_seconds"] = s.replica_seconds;
  j["gpu_seconds"] = s.gpu_seconds;
  j["gpu_busy_seconds"] = s.gpu_busy_seconds;
  j["node_seconds"] = s.node_seconds;
  j["cost_usd"] = s.cost_usd;
  j["avg_replicas"] = s.avg_replicas;
  j["max_replicas"] = s.max_replicas;
  j["scaling_events"] = s.scaling_events;
  j["node_consolidations"] = s.node_consolidations;
  j["events_processed"] = s.events_processed;
  return j;
}

int timeline_gpu_columns(const config::Scenario& sc) {
  const bool autoscaled = sc.cluster.node_autoscaler.kind != config::NodeAutoscalerKind::None;
  int n = 0;
  for (const auto& p : sc.cluster.pools) {
    n += (autoscaled ? std::max(p.max_nodes, p.initial_nodes) : p.initial_nodes) * p.gpus_per_node;
  }
  return n;
}

Result<std::unique_ptr<FileSink>> FileSink::open(const std::string& dir, int gpu_columns) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir, "cannot create the output directory: " + ec.message()};
  std::unique_ptr<FileSink> sink(new FileSink());
  sink->dir_ = dir;
  sink->gpu_columns_ = gpu_columns;
  sink->timeline_.open(dir + "/timeline.csv", std::ios::binary | std::ios::trunc);
  sink->events_.open(dir + "/events.jsonl", std::ios::binary | std::ios::trunc);
  if (!sink->timeline_ || !sink->events_) return Error{dir, "cannot write the output files"};
  sink->timeline_ << "t_s,desired,ready,pods,pending,nodes,cpu_cores,in_flight,queued,"
                     "latency_p50_ms,latency_p95_ms,latency_p99_ms,arrivals_rps,throughput_rps,"
                     "failures_rps,gpu_util_mean";
  for (int i = 0; i < gpu_columns; ++i) sink->timeline_ << ",gpu" << i << "_util";
  sink->timeline_ << "\n";
  return sink;
}

void FileSink::on_sample(const TimelineRow& r) {
  double mean = 0.0;
  for (double u : r.gpu_util) mean += u;
  if (!r.gpu_util.empty()) mean /= static_cast<double>(r.gpu_util.size());
  timeline_ << num(r.t) << ',' << r.desired << ',' << r.ready << ',' << r.pods << ',' << r.pending
            << ',' << r.nodes << ',' << num(r.cpu_cores) << ',' << r.in_flight << ',' << r.queued
            << ',' << num(r.latency_p50_ms) << ',' << num(r.latency_p95_ms) << ','
            << num(r.latency_p99_ms) << ',' << num(r.arrivals_rps) << ',' << num(r.throughput_rps)
            << ',' << num(r.failures_rps) << ',' << num(mean);
  for (int i = 0; i < gpu_columns_; ++i) {
    const auto k = static_cast<std::size_t>(i);
    timeline_ << ',' << num(k < r.gpu_util.size() ? r.gpu_util[k] : 0.0);
  }
  timeline_ << '\n';
}

void FileSink::on_decision(const DecisionRecord& rec) {
  nlohmann::json j = config::decision_record(rec.decision, rec.target, rec.policy);
  j["t"] = rec.t;
  events_ << j.dump() << '\n';
}

Status FileSink::finish(const Summary& summary) {
  timeline_.close();
  events_.close();
  std::ofstream out(dir_ + "/summary.json", std::ios::binary | std::ios::trunc);
  if (!out) return Error{dir_ + "/summary.json", "cannot write"};
  out << summary_json(summary).dump(2) << '\n';
  if (!out || !timeline_ || !events_) return Error{dir_, "writing the output files failed"};
  return ok_status();
}

}  // namespace userscale::sim
