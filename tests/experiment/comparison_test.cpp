#include "experiment/comparison.h"

#include <gtest/gtest.h>

#include <cmath>

#include "experiment/text_tables.h"

namespace userscale::experiment {
namespace {

sim::Summary summary_with(double throughput, double slo, double cost, double avg_replicas) {
  sim::Summary s;
  s.throughput_rps = throughput;
  s.slo_attainment = slo;
  s.cost_usd = cost;
  s.avg_replicas = avg_replicas;
  s.completed = 10;
  return s;
}

// Two policies on one priced scenario: "fast" has clearly more throughput; their SLO
// attainments overlap.
Results two_policies() {
  Results r;
  ScenarioInfo s;
  s.name = "sc";
  s.cost_in_usd = true;
  s.seeds = {1, 2, 3};
  r.info.scenarios = {s};
  r.info.policies = {{"fast", "ewma"}, {"slow", "hpa"}};
  const double fast_thr[] = {10.0, 10.2, 9.9}, slow_thr[] = {5.0, 5.1, 4.8};
  const double fast_slo[] = {0.90, 0.95, 0.85}, slow_slo[] = {0.88, 0.93, 0.91};
  const double fast_cost[] = {2.0, 2.1, 2.2}, slow_cost[] = {1.0, 1.1, 0.9};
  for (int i = 0; i < 3; ++i) {
    const auto seed = static_cast<std::uint64_t>(i + 1);
    r.rows.push_back(make_row("sc", "fast", "ewma", seed,
                              summary_with(fast_thr[i], fast_slo[i], fast_cost[i], 3),
                              {{"gpu_hours", 0.3}}));
    r.rows.push_back(make_row("sc", "slow", "hpa", seed,
                              summary_with(slow_thr[i], slow_slo[i], slow_cost[i], 1),
                              {{"gpu_hours", 0.1}}));
  }
  r.info.finished_runs = r.rows.size();
  r.info.planned_runs = r.rows.size();
  return r;
}

TEST(Compare, MeansIntervalsAndWinnersPerMetric) {
  const Results r = two_policies();
  const auto c = compare(r);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].runs_per_policy, (std::vector<std::size_t>{3, 3}));
  const MetricComparison& thr = c[0].metric("throughput");
  EXPECT_NEAR(thr.per_policy[0].mean, 10.0333333, 1e-6);
  EXPECT_NEAR(thr.per_policy[1].mean, 4.9666667, 1e-6);
  ASSERT_TRUE(thr.verdict.winner.has_value());
  EXPECT_EQ(*thr.verdict.winner, 0u);
  // SLO attainment is shown in percent and is a tie.
  const MetricComparison& slo = c[0].metric("slo");
  EXPECT_NEAR(slo.per_policy[0].mean, 90.0, 1e-9);
  EXPECT_FALSE(slo.verdict.winner.has_value());
  EXPECT_EQ(verdict_text(slo.verdict, r.info.policies), "tie (fast, slow)");
  // Lower is better for pods and cost.
  EXPECT_EQ(*c[0].metric("avg_pods").verdict.winner, 1u);
  EXPECT_EQ(*c[0].metric("cost").verdict.winner, 1u);
  // Metrics no run has (no analysis values here) have no verdict.
  EXPECT_EQ(c[0].metric("gpu_util_avg").per_policy[0].n, 0u);
  EXPECT_TRUE(c[0].metric("gpu_util_avg").verdict.tied.empty());
}

TEST(Compare, CostAgainstSloScatterAndFront) {
  const auto c = compare(two_policies());
  ASSERT_EQ(c[0].scatter.size(), 2u);
  EXPECT_NEAR(c[0].scatter[0].cost, 2.1, 1e-9);
  EXPECT_NEAR(c[0].scatter[1].slo, 90.6666667, 1e-6);
  // fast: cost 2.1, SLO 90; slow: cost 1.0, SLO 90.67: slow dominates.
  EXPECT_EQ(c[0].front, (std::vector<std::size_t>{1}));
}

TEST(Compare, FixedClustersCompareGpuHoursNotDollars) {
  Results r = two_policies();
  r.info.scenarios[0].cost_in_usd = false;
  const auto c = compare(r);
  EXPECT_FALSE(c[0].metric("cost").verdict.winner.has_value());
  EXPECT_TRUE(c[0].metric("cost").verdict.tied.empty());
  ASSERT_EQ(c[0].scatter.size(), 2u);
  EXPECT_DOUBLE_EQ(c[0].scatter[0].cost, 0.3);  // GPU-hours
  EXPECT_DOUBLE_EQ(c[0].scatter[1].cost, 0.1);
}

TEST(Format, NumbersAndIntervals) {
  EXPECT_EQ(format_number(77024.4), "77024");
  EXPECT_EQ(format_number(0.268), "0.268");
  EXPECT_EQ(format_number(2.41), "2.41");
  EXPECT_EQ(format_number(95.923), "95.92");
  EXPECT_EQ(format_number(99.9999), "100.0");
  EXPECT_EQ(format_number(6.0), "6");
  EXPECT_EQ(format_number(0.000095), "0.000095");
  EXPECT_EQ(format_number(std::nan("")), "—");
  Interval ci;
  ci.n = 3;
  ci.mean = 0.272;
  ci.half_width = 0.0052;
  EXPECT_EQ(format_interval(ci, *find_metric("throughput")), "0.272 ± 0.0052");
  ci.n = 1;
  EXPECT_EQ(format_interval(ci, *find_metric("throughput")), "0.272 (1 run)");
  ci.n = 0;
  EXPECT_EQ(format_interval(ci, *find_metric("throughput")), "—");
}

TEST(TextTables, TerminalAndMarkdownCarryEveryPolicyAndTheWinner) {
  const Results r = two_policies();
  const auto c = compare(r);
  const std::string term = terminal_table(r, c);
  EXPECT_NE(term.find("10.03±"), std::string::npos) << term;
  EXPECT_NE(term.find("*"), std::string::npos);
  EXPECT_NE(term.find("Throughput: fast"), std::string::npos) << term;
  EXPECT_NE(term.find("6 of 6 runs finished"), std::string::npos);
  const std::string md = summary_markdown(r, c);
  EXPECT_NE(md.find("| Metric | fast | slow | Winner |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Throughput (req/s) | 10.03 ± "), std::string::npos) << md;
  EXPECT_NE(md.find("| fast |\n"), std::string::npos) << md;  // the throughput winner
  EXPECT_NE(md.find("Pareto front"), std::string::npos);
  EXPECT_EQ(display_width("1.0 ± 2"), 7u);
}

}  // namespace
}  // namespace userscale::experiment
