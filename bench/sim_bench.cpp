// Simulated requests per second on one core: the simulator's hot path (arrival, routing, CPU
// phase, GPU phase on a shared device, completion, statistics) on a steady open-loop load.
// Set USERSCALE_BENCH_WEEK=1 to also replay the whole ServeGen week (~127 M requests).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "config/scenario.h"
#include "config/trace.h"
#include "core/policies/registry.h"
#include "sim/simulator.h"

namespace {

using namespace userscale;

class Keep : public Policy {
 public:
  std::string name() const override { return "keep"; }
  Recommendation recommend(const Observation& obs) override {
    Recommendation r;
    r.desired_replicas = obs.scale.spec_replicas;
    return r;
  }
};

config::Scenario steady(int gpus, double rate, double duration) {
  config::Scenario sc;
  sc.duration = duration;
  config::NodePoolSpec pool;
  pool.gpus_per_node = gpus;
  pool.initial_nodes = 1;
  pool.gpu_memory_bytes = 80e9;
  sc.cluster.pools.push_back(pool);
  sc.cluster.sharing.mode = config::SharingMode::TimeSlice;
  sc.cluster.sharing.replicas_per_gpu = 2;
  sc.cluster.sharing.switch_overhead = 0.02;
  sc.service.cpu_cost = config::DistSpec::exponential(0.002);
  sc.service.gpu_cost = config::DistSpec::exponential(0.008);
  sc.service.memory_per_request_bytes = 1e6;
  sc.service.cpu_limit_cores = 4;
  sc.service.concurrency = 64;
  sc.service.initial_replicas = 2 * gpus;
  sc.autoscaler.max_replicas = 2 * gpus;
  sc.autoscaler.min_replicas = 2 * gpus;
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = rate;
  return sc;
}

void BM_SimulatedRequests(benchmark::State& state) {
  const int gpus = static_cast<int>(state.range(0));
  // rho = 0.6 per GPU: 8 ms of GPU work per request
  const double rate = 0.6 / 0.008 * gpus;
  const double requests = 2e6;
  auto sc = steady(gpus, rate, requests / rate);
  std::uint64_t done = 0;
  for (auto _ : state) {
    auto s = sim::simulate({&sc, [] { return std::make_unique<Keep>(); }, nullptr, nullptr});
    if (!s.ok()) state.SkipWithError(s.error().to_string().c_str());
    done += s->requests;
    benchmark::DoNotOptimize(s->latency_mean_ms);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}
BENCHMARK(BM_SimulatedRequests)->Arg(1)->Arg(8)->Arg(64)->Unit(benchmark::kMillisecond);

// The whole ServeGen week (per-minute counts, Poisson within each minute) on a cluster sized
// for its 583 req/s peak: 16 GPUs of two replicas each, HPA on requests in flight.
void BM_ServeGenWeek(benchmark::State& state) {
  auto trace = config::load_trace(std::string(USERSCALE_SOURCE_DIR) +
                                  "/examples/traces/servegen_mlarge_week1.csv");
  if (!trace.ok()) {
    state.SkipWithError(trace.error().to_string().c_str());
    return;
  }
  auto sc = steady(16, 0.0, trace->span_seconds());
  sc.load.kind = config::LoadKind::Trace;
  sc.service.gpu_cost = config::DistSpec::exponential(0.02);  // 16 GPUs: 800 req/s capacity
  sc.sample_period = 60.0;
  std::uint64_t done = 0;
  for (auto _ : state) {
    auto s = sim::simulate({&sc, [] { return std::make_unique<Keep>(); }, &*trace, nullptr});
    if (!s.ok()) state.SkipWithError(s.error().to_string().c_str());
    done += s->requests;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}

const bool week_registered = [] {
  const char* on = std::getenv("USERSCALE_BENCH_WEEK");
  if (on && std::string(on) == "1") {
    benchmark::RegisterBenchmark("BM_ServeGenWeek", BM_ServeGenWeek)
        ->Unit(benchmark::kSecond)
        ->Iterations(1);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
