// HPA decision throughput: 3 metrics over 1,000 pods, in-process and `decide` end to end.
// Run: ./build/release/bench/hpa_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/case_evaluators.h"
#include "config/hpa_case.h"
#include "core/policies/hpa.h"
#include "core/reconcile.h"

namespace {

using nlohmann::json;
using namespace userscale;

constexpr int kPods = 1000;
const char* kNow = "2025-06-01T12:00:00Z";

// A 1,000-pod case with a CPU utilization, a Pods and an External metric.
json make_case() {
  json pods = json::array(), pod_metrics = json::array(), custom = json::array();
  for (int i = 0; i < kPods; ++i) {
    std::string name = "web-" + std::to_string(i);
    pods.push_back(
        {{"metadata", {{"name", name}, {"labels", {{"app", "web"}}}}},
         {"spec",
          {{"containers", {{{"name", "app"}, {"resources", {{"requests", {{"cpu", "500m"}}}}}}}}}},
         {"status",
          {{"phase", "Running"},
           {"startTime", "2025-06-01T11:00:00Z"},
           {"conditions",
            {{{"type", "Ready"},
              {"status", "True"},
              {"lastTransitionTime", "2025-06-01T11:00:20Z"}}}}}}});
    pod_metrics.push_back(
        {{"metadata", {{"name", name}}},
         {"timestamp", "2025-06-01T11:59:45Z"},
         {"window", "30s"},
         {"containers",
          {{{"name", "app"}, {"usage", {{"cpu", std::to_string(200 + i % 300) + "m"}}}}}}});
    custom.push_back({{"describedObject", {{"kind", "Pod"}, {"name", name}}},
                      {"metric", {{"name", "requests_in_flight"}}},
                      {"timestamp", "2025-06-01T11:59:50Z"},
                      {"value", std::to_string(5 + i % 7)}});
  }
  json metrics = json::array(
      {{{"type", "Resource"},
        {"resource",
         {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}},
       {{"type", "Pods"},
        {"pods",
         {{"metric", {{"name", "requests_in_flight"}}},
          {"target", {{"type", "AverageValue"}, {"averageValue", "8"}}}}}},
       {{"type", "External"},
        {"external",
         {{"metric", {{"name", "queue_depth"}}},
          {"target", {{"type", "AverageValue"}, {"averageValue", "30"}}}}}}});
  return {
      {"kind", "hpa"},
      {"name", "bench-1000-pods"},
      {"source", "derived"},
      {"now", kNow},
      {"input",
       {{"hpa", {{"spec", {{"maxReplicas", 5000}, {"minReplicas", 1}, {"metrics", metrics}}}}},
        {"scale",
         {{"spec", {{"replicas", kPods}}},
          {"status", {{"replicas", kPods}, {"selector", "app=web"}}}}},
        {"pods", {{"items", pods}}},
        {"podMetrics", {{"items", pod_metrics}}},
        {"customMetrics", {{"items", custom}}},
        {"externalMetrics",
         {{"items", {{{"metricName", "queue_depth"}, {"value", "40000"}, {"timestamp", kNow}}}}}},
        {"history", {{"recommendations", json::array()}}}}}};
}

// The policy and behavior alone, on an already-parsed observation.
void BM_HpaDecision3Metrics1000Pods(benchmark::State& state) {
  json doc = make_case();
  auto parsed = config::parse_hpa_case(doc);
  if (!parsed) {
    state.SkipWithError(parsed.error().to_string().c_str());
    return;
  }
  for (auto _ : state) {
    HpaPolicy policy(parsed->spec, parsed->settings);
    BehaviorState history = parsed->history;
    Decision d = reconcile(policy, parsed->spec, parsed->settings, history, parsed->observation);
    benchmark::DoNotOptimize(d.desired_replicas);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HpaDecision3Metrics1000Pods);

// `decide` in-process: JSON text -> parse -> validate -> decide -> JSON text.
void BM_DecideInProcess1000Pods(benchmark::State& state) {
  std::string text = make_case().dump();
  for (auto _ : state) {
    json doc = json::parse(text);
    auto out = cli::evaluate_case(doc, nullptr);
    std::string result = out ? out->dump() : out.error().to_string();
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideInProcess1000Pods);

// `userscale decide FILE` as a process, as a user runs it.
void BM_DecideProcess1000Pods(benchmark::State& state) {
  const std::string path = "/tmp/userscale-bench-1000-pods.json";
  std::ofstream(path) << make_case().dump();
  const std::string cmd = std::string(USERSCALE_BINARY) + " decide " + path + " > /dev/null";
  for (auto _ : state) {
    int rc = std::system(cmd.c_str());
    if (rc != 0) state.SkipWithError("decide failed");
  }
  state.SetItemsProcessed(state.iterations());
  std::remove(path.c_str());
}
BENCHMARK(BM_DecideProcess1000Pods)->Unit(benchmark::kMillisecond)->Iterations(20)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
