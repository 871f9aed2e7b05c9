#include "experiment/runner.h"

#include <gtest/gtest.h>

#include "experiment/results.h"
#include "experiment/results_io.h"
#include "test_helpers.h"

namespace userscale::experiment {
namespace {

using testing::ScratchDir;

Suite small_suite(const ScratchDir& dir) {
  auto suite = parse_suite(testing::small_suite_yaml(), dir.str());
  EXPECT_TRUE(suite.ok());
  return std::move(suite).value();
}

TEST(Plan, EveryScenarioPolicyAndSeedInOrder) {
  ScratchDir dir;
  const Suite suite = small_suite(dir);
  auto plan = make_plan(suite);
  ASSERT_TRUE(plan.ok()) << plan.error().to_string();
  ASSERT_EQ(plan->runs.size(), 2u * 3u * 2u);
  EXPECT_EQ(plan->runs[0].scenario, 0u);
  EXPECT_EQ(plan->runs[0].policy, 0u);
  EXPECT_EQ(plan->runs[0].seed, 1u);
  EXPECT_EQ(plan->runs[1].seed, 2u);
  EXPECT_EQ(plan->runs[2].policy, 1u);
  EXPECT_EQ(plan->runs[6].scenario, 1u);
  EXPECT_TRUE(plan->skipped.empty());
  ASSERT_EQ(plan->capacity.size(), 2u);
  EXPECT_EQ(plan->specs[0][1].sync_period_seconds, 5.0);
  EXPECT_EQ(plan->specs[1][2].policy.params.at("threshold_ms"), "400");
}

TEST(Plan, APolicyThatRefusesItsParametersIsAnError) {
  ScratchDir dir;
  Suite suite = small_suite(dir);
  PolicyEntry bad;
  bad.name = "ewma";
  bad.label = "bad-ewma";
  bad.params = std::map<std::string, std::string>{{"alpha", "7"}};
  suite.policies.push_back(bad);
  auto plan = make_plan(suite);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().path.find("bad-ewma"), std::string::npos) << plan.error().to_string();
  EXPECT_NE(plan.error().message.find("spec.policy.params.alpha"), std::string::npos)
      << plan.error().to_string();
}

TEST(Plan, TheOracleIsBuiltOncePerScenarioAndRuns) {
  ScratchDir dir;
  Suite suite = small_suite(dir);
  PolicyEntry oracle;
  oracle.name = "oracle";  // simulator-only: measures each scenario's service before the runs
  oracle.label = "oracle";
  suite.policies.push_back(oracle);
  auto plan = make_plan(suite);
  ASSERT_TRUE(plan.ok()) << plan.error().to_string();
  EXPECT_TRUE(plan->skipped.empty());
  EXPECT_TRUE(plan->policy_available[3]);
  EXPECT_EQ(plan->runs.size(), 16u);
  ASSERT_TRUE(static_cast<bool>(plan->factories[0][3]));
  auto policy = plan->factories[0][3]();
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "oracle");
}

TEST(Runner, SameBytesWhateverTheNumberOfThreads) {
  ScratchDir dir;
  const Suite suite = small_suite(dir);
  auto plan = make_plan(suite);
  ASSERT_TRUE(plan.ok());
  std::string first;
  for (int jobs : {1, 3, 8}) {
    RunnerOptions opts;
    opts.jobs = jobs;
    const auto outcomes = run_plan(suite, *plan, opts);
    ASSERT_EQ(outcomes.size(), plan->runs.size());
    for (const auto& o : outcomes) {
      EXPECT_TRUE(o.finished);
      EXPECT_FALSE(o.error.has_value()) << o.error->to_string();
    }
    const Results results = collect_results(suite, *plan, outcomes, false);
    EXPECT_EQ(results.rows.size(), plan->runs.size());
    const std::string text = summary_json_text(results);
    if (first.empty()) {
      first = text;
    } else {
      EXPECT_EQ(text, first) << "jobs " << jobs;
    }
  }
}

TEST(Runner, SeedsChangeTheRunsAndRunsKeepTheirTimeline) {
  ScratchDir dir;
  const Suite suite = small_suite(dir);
  auto plan = make_plan(suite);
  ASSERT_TRUE(plan.ok());
  const RunOutcome a = run_one(suite, *plan, {0, 0, 1});
  const RunOutcome b = run_one(suite, *plan, {0, 0, 2});
  ASSERT_TRUE(a.finished && !a.error);
  EXPECT_EQ(a.summary.seed, 1u);
  EXPECT_EQ(b.summary.seed, 2u);
  EXPECT_NE(a.summary.latency_max_ms, b.summary.latency_max_ms);
  // seed-gtx1650 samples every 3 s for 90 s (the simulator may leave out the final sample).
  ASSERT_GE(a.trace.timeline.size(), 29u);
  EXPECT_LE(a.trace.timeline.size(), 30u);
  for (std::size_t i = 0; i < a.trace.timeline.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.trace.timeline[i].t, 3.0 * static_cast<double>(i + 1));
  }
  EXPECT_FALSE(a.trace.scale_changes.empty());
  EXPECT_FALSE(a.analysis.empty());
}

TEST(Runner, StopKeepsWhatFinished) {
  ScratchDir dir;
  const Suite suite = small_suite(dir);
  auto plan = make_plan(suite);
  ASSERT_TRUE(plan.ok());
  std::atomic<bool> stop{false};
  RunnerOptions opts;
  opts.jobs = 1;
  opts.stop = &stop;
  std::size_t calls = 0;
  opts.on_finished = [&](const RunOutcome&, std::size_t done, std::size_t total) {
    ++calls;
    EXPECT_EQ(total, plan->runs.size());
    if (done == 3) stop.store(true);  // as Ctrl-C does
  };
  const auto outcomes = run_plan(suite, *plan, opts);
  EXPECT_EQ(calls, 3u);
  std::size_t finished = 0;
  for (const auto& o : outcomes) finished += o.finished ? 1 : 0;
  EXPECT_EQ(finished, 3u);
  EXPECT_TRUE(outcomes[0].finished && outcomes[2].finished && !outcomes[3].finished);
  const Results results = collect_results(suite, *plan, outcomes, true);
  EXPECT_EQ(results.rows.size(), 3u);
  EXPECT_TRUE(results.info.interrupted);
  EXPECT_EQ(results.info.planned_runs, plan->runs.size());
  EXPECT_EQ(results.info.finished_runs, 3u);
}

}  // namespace
}  // namespace userscale::experiment
