// The Prometheus source: PromQL instant queries against the Prometheus that scrapes the
// replicas (the local world starts one; a cluster has its own). Pods are matched by the `pod`
// label that the file_sd targets (or a pod relabelling) attach. Any failed query fails the
// observation: a partial view must not drive a decision.
//
// GPUs come from serve's own userscale_gpu_* series (gpu_uuid label; the local world) or, in
// a cluster, from the NVIDIA DCGM exporter (controller/dcgm_mapping.h), which knows the
// physical GPU of every pod and so which replicas share one.
#pragma once

#include <memory>
#include <string>

#include "controller/metric_source.h"
#include "metrics/promql_client.h"

namespace userscale::controller {

enum class GpuMetrics { Serve, Dcgm };

struct PrometheusSourceOptions {
  std::string host = "127.0.0.1";
  std::string port = "9090";
  std::string job = "userscale";
  Duration window = 10.0;  // the range of rate() and histogram_quantile()
  double cpu_request_cores = 1.0;
  GpuMetrics gpu_metrics = GpuMetrics::Serve;
  std::string namespace_name;  // the target's (DCGM series are matched on it)
};

// The PromQL of each signal (exposed for tests and the README).
struct PromqlQueries {
  std::string in_flight, queued, sample_time, rate, latency_mean, latency_p95, cpu;
  std::string gpu_util, gpu_mem_used, gpu_mem_total;
  std::string service_quantile(double q) const;
  std::string selector;  // {job=...,endpoint!~...}
  std::string window;
};
PromqlQueries promql_queries(const PrometheusSourceOptions& o);

class PrometheusSource final : public MetricSource {
 public:
  explicit PrometheusSource(PrometheusSourceOptions o) : o_(std::move(o)), q_(promql_queries(o_)) {}
  std::string name() const override { return "prometheus"; }
  Result<Observation> observe(const ObserveRequest& request) override;

 private:
  PrometheusSourceOptions o_;
  PromqlQueries q_;
};

}  // namespace userscale::controller
