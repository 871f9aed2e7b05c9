#include "experiment/runner.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/policies/registry.h"
#include "sim/simulator.h"

namespace userscale::experiment {

Result<Plan> make_plan(const Suite& suite) {
  Plan plan;
  plan.policy_available.assign(suite.policies.size(), true);
  plan.specs.resize(suite.scenarios.size());
  for (std::size_t s = 0; s < suite.scenarios.size(); ++s) {
    const config::Scenario& sc = suite.scenarios[s].scenario;
    const config::Trace* trace = suite.scenarios[s].trace ? &*suite.scenarios[s].trace : nullptr;
    plan.capacity.push_back(capacity_model(sc, trace, suite.analysis.target_utilization));
    for (std::size_t p = 0; p < suite.policies.size(); ++p) {
      const PolicyEntry& entry = suite.policies[p];
      AutoscalerSpec spec = apply_policy(sc.autoscaler, entry);
      auto probe = make_policy(spec, sc.hpa);
      if (!probe.ok()) {
        if (probe.error().path == "spec.policy.name") {
          // Known to the registry (the suite checked the name) but not built into this binary.
          if (plan.policy_available[p]) {
            plan.skipped.push_back({entry.label, probe.error().message});
          }
          plan.policy_available[p] = false;
        } else {
          return Error{
              "policies[" + std::to_string(p) + "] (" + entry.label + ") on scenario " + sc.name,
              probe.error().to_string()};
        }
      }
      plan.specs[s].push_back(std::move(spec));
    }
  }
  for (std::size_t s = 0; s < suite.scenarios.size(); ++s) {
    for (std::size_t p = 0; p < suite.policies.size(); ++p) {
      if (!plan.policy_available[p]) continue;
      for (std::uint64_t seed : suite.scenarios[s].seeds) plan.runs.push_back({s, p, seed});
    }
  }
  return plan;
}

RunOutcome run_one(const Suite& suite, const Plan& plan, const RunSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  const ScenarioEntry& entry = suite.scenarios[spec.scenario];
  RunOutcome out;
  out.spec = spec;
  config::Scenario sc = entry.scenario;
  sc.seed = spec.seed;
  sc.autoscaler = plan.specs[spec.scenario][spec.policy];
  CaptureSink sink;
  sim::SimInputs in;
  in.scenario = &sc;
  in.trace = entry.trace ? &*entry.trace : nullptr;
  in.sink = &sink;
  in.make_policy = [&sc]() -> std::unique_ptr<Policy> {
    auto p = make_policy(sc.autoscaler, sc.hpa);
    return p.ok() ? std::move(p).value() : nullptr;
  };
  auto summary = sim::simulate(in);
  out.finished = true;
  if (!summary.ok()) {
    out.error = summary.error();
  } else {
    out.summary = std::move(summary).value();
    out.trace = sink.take();
    RunContext ctx;
    ctx.scenario = &sc;
    ctx.capacity = &plan.capacity[spec.scenario];
    ctx.closed_loop_demand_rps = closed_loop_demand_rps(sc, in.trace);
    out.analysis = run_metrics(ctx, out.summary, out.trace);
  }
  out.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<RunOutcome> run_plan(const Suite& suite, const Plan& plan, const RunnerOptions& opts) {
  const std::size_t total = plan.runs.size();
  std::vector<RunOutcome> outcomes(total);
  for (std::size_t i = 0; i < total; ++i) outcomes[i].spec = plan.runs[i];
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  std::size_t done = 0;
  auto stopped = [&] { return opts.stop != nullptr && opts.stop->load(); };
  auto worker = [&] {
    while (!stopped()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= total) return;
      RunOutcome result = run_one(suite, plan, plan.runs[i]);
      std::lock_guard<std::mutex> lock(report_mutex);
      outcomes[i] = std::move(result);
      ++done;
      if (opts.on_finished) opts.on_finished(outcomes[i], done, total);
    }
  };
  const int jobs =
      std::max(1, std::min<int>(opts.jobs, static_cast<int>(std::max<std::size_t>(total, 1))));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return outcomes;
}

}  // namespace userscale::experiment
