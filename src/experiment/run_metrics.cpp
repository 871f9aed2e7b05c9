#include "experiment/run_metrics.h"

#include <algorithm>
#include <cmath>

namespace userscale::experiment {

void CaptureSink::on_decision(const sim::DecisionRecord& rec) {
  if (rec.decision.rescale) {
    trace_.scale_changes.push_back(
        {rec.t, rec.decision.current_replicas, rec.decision.desired_replicas});
  }
}

void CaptureSink::on_sample(const sim::TimelineRow& row) {
  trace_.timeline.push_back(row);
}

double gpus_present(const config::Scenario& sc, const sim::TimelineRow& row) {
  const double columns = static_cast<double>(row.gpu_util.size());
  if (sc.cluster.node_autoscaler.kind == config::NodeAutoscalerKind::None) return columns;
  double per_node = 0.0;
  for (const auto& p : sc.cluster.pools) per_node += p.gpus_per_node;
  if (!sc.cluster.pools.empty()) per_node /= static_cast<double>(sc.cluster.pools.size());
  return std::clamp(row.nodes * per_node, 0.0, columns);
}

namespace {

std::optional<double> ratio(double num, double den) {
  if (den <= 0.0) return std::nullopt;
  return num / den;
}

}  // namespace

NamedValues run_metrics(const RunContext& ctx, const sim::Summary& s, const RunTrace& trace) {
  const config::Scenario& sc = *ctx.scenario;
  const auto& rows = trace.timeline;

  // GPU utilization as DCGM shows it, averaged over the GPUs the cluster has at each sample.
  double util_sum = 0.0, util_max = 0.0;
  std::size_t util_rows = 0;
  double cpu_pct_sum = 0.0;
  std::size_t cpu_rows = 0;
  double concurrency_sum = 0.0;
  for (const auto& r : rows) {
    const double present = gpus_present(sc, r);
    double total = 0.0;
    for (double u : r.gpu_util) {
      total += u;
      util_max = std::max(util_max, u);
    }
    if (present > 0.0) {
      util_sum += total / present;
      ++util_rows;
    }
    if (r.pods > 0 && sc.service.cpu_request_cores > 0.0) {
      cpu_pct_sum += 100.0 * r.cpu_cores / r.pods / sc.service.cpu_request_cores;
      ++cpu_rows;
    }
    concurrency_sum += r.in_flight + r.queued;
  }
  std::optional<double> util_avg;
  if (util_rows > 0) util_avg = util_sum / static_cast<double>(util_rows);
  std::optional<double> cpu_per_pod;
  if (cpu_rows > 0) cpu_per_pod = cpu_pct_sum / static_cast<double>(cpu_rows);
  std::optional<double> concurrency;
  if (!rows.empty()) concurrency = concurrency_sum / static_cast<double>(rows.size());

  // Scaling: the first scale-up, and the first time the controller asked for its highest count.
  std::optional<double> first_up, to_max;
  std::int32_t max_to = 0;
  for (const auto& c : trace.scale_changes) max_to = std::max(max_to, c.to);
  for (const auto& c : trace.scale_changes) {
    if (c.to > c.from && !first_up) first_up = c.t;
    if (c.to > c.from && c.to == max_to && !to_max) to_max = c.t;
  }

  // Capacity: the replicas the load needs at each sample, against those ready (serving) and
  // those holding a GPU slot (paid for).
  std::optional<double> to_needed;
  double over = 0.0, under = 0.0;
  int peak_needed = 0;
  if (ctx.capacity != nullptr && !rows.empty()) {
    std::vector<int> needed(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double demand = sc.load.kind == config::LoadKind::Closed ? ctx.closed_loop_demand_rps
                                                                     : rows[i].arrivals_rps;
      needed[i] = ctx.capacity->needed(demand);
      peak_needed = std::max(peak_needed, needed[i]);
    }
    double prev_t = 0.0;
    std::optional<std::size_t> need_from;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const double dt = std::max(0.0, r.t - prev_t);
      prev_t = r.t;
      over += std::max(0, r.pods - needed[i]) * dt;
      under += std::max(0, needed[i] - r.ready) * dt;
      if (!need_from && needed[i] == peak_needed) need_from = i;
      if (need_from && !to_needed && r.ready >= peak_needed) {
        // Zero when the replicas were ready when the load first needed them.
        to_needed = i == *need_from ? 0.0 : r.t - rows[*need_from].t;
      }
    }
  }

  const double finished = static_cast<double>(s.completed + s.failed);
  NamedValues v;
  v.emplace_back("gpu_util_avg_pct", util_avg);
  v.emplace_back("gpu_util_max_pct", rows.empty() ? std::nullopt : std::optional<double>(util_max));
  v.emplace_back("cpu_per_pod_pct", cpu_per_pod);
  v.emplace_back("success_rate", ratio(static_cast<double>(s.completed), finished));
  v.emplace_back("requests_per_pod", ratio(static_cast<double>(s.completed), s.avg_replicas));
  v.emplace_back("gpu_efficiency_per_pod_pct",
                 util_avg ? ratio(*util_avg, s.avg_replicas) : std::nullopt);
  v.emplace_back("scaling_efficiency", ratio(s.avg_replicas, s.max_replicas));
  v.emplace_back("concurrent_users_per_pod",
                 concurrency ? ratio(*concurrency, s.avg_replicas) : std::nullopt);
  v.emplace_back("time_to_first_scale_up_s", first_up);
  v.emplace_back("time_to_max_pods_s", to_max);
  v.emplace_back("peak_needed_replicas",
                 ctx.capacity ? std::optional<double>(peak_needed) : std::nullopt);
  v.emplace_back("time_to_needed_capacity_s", to_needed);
  v.emplace_back("over_provisioned_replica_s", over);
  v.emplace_back("under_provisioned_replica_s", under);
  v.emplace_back("gpu_hours", s.gpu_seconds / 3600.0);
  return v;
}

}  // namespace userscale::experiment
