#include "experiment/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "sim/policy_factory.h"
#include "sim/simulator.h"

namespace userscale::experiment {

namespace {

// The autoscaler a policy entry runs with on a scenario.
config::Scenario scenario_with_policy(const config::Scenario& sc, const PolicyEntry& entry) {
  config::Scenario with_policy = sc;
  with_policy.autoscaler = apply_policy(sc.autoscaler, entry);
  return with_policy;
}

// Runs task(i) for i in [0, n) on `jobs` threads.
template <typename Task>
void parallel_for(std::size_t n, int jobs, Task task) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) task(i);
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < std::min<int>(jobs, static_cast<int>(n)); ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

}  // namespace

Result<Plan> make_plan(const Suite& suite, int jobs) {
  Plan plan;
  const std::size_t n_policies = suite.policies.size();
  plan.policy_available.assign(n_policies, true);
  plan.specs.resize(suite.scenarios.size());
  plan.factories.resize(suite.scenarios.size());
  std::vector<config::Scenario> with_policy;
  for (std::size_t s = 0; s < suite.scenarios.size(); ++s) {
    const config::Scenario& sc = suite.scenarios[s].scenario;
    const config::Trace* trace = suite.scenarios[s].trace ? &*suite.scenarios[s].trace : nullptr;
    plan.capacity.push_back(capacity_model(sc, trace, suite.analysis.target_utilization));
    for (const PolicyEntry& entry : suite.policies) {
      with_policy.push_back(scenario_with_policy(sc, entry));
    }
  }
  // Built once per scenario and policy, in parallel: the oracle measures each scenario's service
  // here (seconds each); the others only check their parameters.
  std::vector<std::optional<Result<sim::PolicyMaker>>> makers(with_policy.size());
  parallel_for(with_policy.size(), jobs, [&](std::size_t i) {
    const auto& entry = suite.scenarios[i / n_policies];
    makers[i] = sim::make_policy_factory(with_policy[i], entry.trace ? &*entry.trace : nullptr);
  });
  for (std::size_t i = 0; i < with_policy.size(); ++i) {
    const std::size_t s = i / n_policies, p = i % n_policies;
    const PolicyEntry& entry = suite.policies[p];
    const Result<sim::PolicyMaker>& maker = *makers[i];
    if (!maker.ok()) {
      if (maker.error().path != "spec.policy.name") {
        return Error{"policies[" + std::to_string(p) + "] (" + entry.label + ") on scenario " +
                         suite.scenarios[s].scenario.name,
                     maker.error().to_string()};
      }
      // Known to the registry (the suite checked the name) but not buildable in this world.
      if (plan.policy_available[p]) plan.skipped.push_back({entry.label, maker.error().message});
      plan.policy_available[p] = false;
    }
    plan.specs[s].push_back(std::move(with_policy[i].autoscaler));
    plan.factories[s].push_back(maker.ok() ? maker->make : sim::PolicyFactory{});
  }
  for (std::size_t s = 0; s < suite.scenarios.size(); ++s) {
    for (std::size_t p = 0; p < n_policies; ++p) {
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
  in.make_policy = plan.factories[spec.scenario][spec.policy];
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
