#include "experiment/oracle_verdicts.h"

#include <gtest/gtest.h>

namespace userscale::experiment {
namespace {

// Three policies on one scenario: the oracle (99.5 %, 1.0 GPU·h), gpuaware (99.2 %, 1.1),
// hpa (97 %, 0.9): gpuaware meets the oracle's bar and beats hpa on SLO, not on cost.
Results three_policies(double gpuaware_gpu_hours) {
  Results r;
  ScenarioInfo s;
  s.name = "sc";
  s.seeds = {1, 2};
  r.info.scenarios = {s};
  r.info.policies = {{"oracle", "oracle"}, {"gpuaware", "gpuaware"}, {"hpa", "hpa"}};
  struct P {
    const char* label;
    double slo, gpu_hours;
  } ps[] = {{"oracle", 0.995, 1.0}, {"gpuaware", 0.992, gpuaware_gpu_hours}, {"hpa", 0.97, 0.9}};
  for (const P& p : ps) {
    for (std::uint64_t seed : {1u, 2u}) {
      sim::Summary sum;
      sum.slo_attainment = p.slo;
      sum.completed = 10;
      r.rows.push_back(make_row("sc", p.label, p.label, seed, sum, {{"gpu_hours", p.gpu_hours}}));
    }
  }
  r.info.finished_runs = r.info.planned_runs = r.rows.size();
  return r;
}

TEST(OracleVerdicts, APolicyMeetsTheBarWithinTheCostFactor) {
  const Results r = three_policies(1.1);
  const auto st = oracle_standings(r, compare(r));
  ASSERT_EQ(st.size(), 1u);
  ASSERT_TRUE(st[0].oracle.has_value());
  EXPECT_NEAR(st[0].oracle_slo, 99.5, 1e-9);
  ASSERT_EQ(st[0].policies.size(), 2u);
  EXPECT_NEAR(*st[0].policies[0].cost_ratio, 1.1, 1e-9);
  EXPECT_TRUE(*st[0].policies[0].meets_oracle_bar);
  EXPECT_FALSE(*st[0].policies[1].meets_oracle_bar);  // 97 % is under the 99 % bar
}

TEST(OracleVerdicts, TooDearMissesTheBar) {
  const Results r = three_policies(1.2);
  const auto st = oracle_standings(r, compare(r));
  EXPECT_FALSE(*st[0].policies[0].meets_oracle_bar);
}

TEST(OracleVerdicts, DominanceSaysWhatWasLost) {
  const Results r = three_policies(1.1);
  const auto d = dominance(r, compare(r), "gpuaware");
  ASSERT_EQ(d.size(), 1u);  // against hpa; never against the oracle
  EXPECT_EQ(d[0].other, "hpa");
  EXPECT_FALSE(d[0].at_least_as_good);
  EXPECT_EQ(d[0].why.rfind("GPU-hours", 0), 0u) << d[0].why;
  const std::string md = oracle_markdown(r, compare(r));
  EXPECT_NE(md.find("| sc | 99.5 %, 1 | gpuaware | 99.2 % | 1.1 | met |"), std::string::npos) << md;
  EXPECT_NE(md.find("| sc | hpa | no | GPU-hours"), std::string::npos) << md;
}

}  // namespace
}  // namespace userscale::experiment
