// Drives the real `userscale experiment` and `userscale report` as a user would.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "test_helpers.h"

namespace userscale::experiment {
namespace {

using testing::ChildProcess;
using testing::read_file;
using testing::run_to_end;
using testing::ScratchDir;
using testing::write_file;

constexpr auto kLimit = std::chrono::seconds(240);

TEST(ExperimentCli, SameSummaryBytesWhateverJobsAndReportRebuilds) {
  ScratchDir dir;
  const std::string suite = dir.file("suite.yaml");
  write_file(suite, testing::small_suite_yaml());
  const std::string a = dir.file("a"), b = dir.file("b");
  ASSERT_EQ(run_to_end({USERSCALE_BINARY, "experiment", suite, "--jobs", "1", "--out", a},
                       dir.file("a.out"), dir.file("a.err"), kLimit),
            0)
      << read_file(dir.file("a.err"));
  ASSERT_EQ(run_to_end({USERSCALE_BINARY, "experiment", suite, "--jobs", "4", "--out", b},
                       dir.file("b.out"), dir.file("b.err"), kLimit),
            0)
      << read_file(dir.file("b.err"));
  const std::string summary = read_file(a + "/summary.json");
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(summary, read_file(b + "/summary.json"));
  EXPECT_EQ(read_file(a + "/summary.csv"), read_file(b + "/summary.csv"));
  EXPECT_EQ(read_file(a + "/summary.md"), read_file(b + "/summary.md"));
  EXPECT_EQ(nlohmann::json::parse(summary).size(), 12u);

  // The terminal table names each scenario and policy; plain progress lines off a terminal.
  const std::string out = read_file(a + ".out");
  for (const char* s : {"seed-gtx1650", "memory-bound", "hpa", "userscale-score", "latency-fast",
                        "req/s", "12 runs in"}) {
    EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
  }
  EXPECT_NE(read_file(a + ".err").find("[12/12]"), std::string::npos);

  // `report` rebuilds report.html and summary.md from what was saved.
  const std::string md = read_file(b + "/summary.md");
  std::filesystem::remove(b + "/report.html");
  std::filesystem::remove(b + "/summary.md");
  ASSERT_EQ(
      run_to_end({USERSCALE_BINARY, "report", b}, dir.file("r.out"), dir.file("r.err"), kLimit), 0)
      << read_file(dir.file("r.err"));
  EXPECT_EQ(read_file(b + "/summary.md"), md);
  const std::string html = read_file(b + "/report.html");
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_EQ(html, read_file(a + "/report.html"));
}

TEST(ExperimentCli, BadInputExitsTwoNamingTheField) {
  ScratchDir dir;
  const std::string suite = dir.file("bad.yaml");
  write_file(suite, "scenarios: [{path: " + testing::scenario_path("ramp") +
                        "}]\npolicies: [{name: hpaa}]\n");
  EXPECT_EQ(run_to_end({USERSCALE_BINARY, "experiment", suite, "--out", dir.file("o")},
                       dir.file("o.out"), dir.file("o.err"), kLimit),
            2);
  EXPECT_NE(read_file(dir.file("o.err")).find("policies[0].name"), std::string::npos)
      << read_file(dir.file("o.err"));
  write_file(dir.file("good.yaml"), testing::small_suite_yaml());
  EXPECT_EQ(run_to_end({USERSCALE_BINARY, "experiment", dir.file("good.yaml"), "--policies", "nope",
                        "--out", dir.file("o")},
                       dir.file("p.out"), dir.file("p.err"), kLimit),
            2);
  EXPECT_NE(read_file(dir.file("p.err")).find("unknown policy \"nope\""), std::string::npos);
  EXPECT_EQ(run_to_end({USERSCALE_BINARY, "report", dir.file("missing")}, dir.file("q.out"),
                       dir.file("q.err"), kLimit),
            2);
}

TEST(ExperimentCli, PoliciesAndSeedsOptionsNarrowTheRun) {
  ScratchDir dir;
  write_file(dir.file("s.yaml"), testing::small_suite_yaml());
  ASSERT_EQ(run_to_end({USERSCALE_BINARY, "experiment", dir.file("s.yaml"), "--policies",
                        "latency-fast,kpa", "--scenarios", "seed-gtx1650", "--seeds", "3", "--out",
                        dir.file("o")},
                       dir.file("o.out"), dir.file("o.err"), kLimit),
            0)
      << read_file(dir.file("o.err"));
  const auto rows = nlohmann::json::parse(read_file(dir.file("o/summary.json")));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0]["policy"], "latency-fast");
  EXPECT_EQ(rows[3]["policy"], "kpa");
  EXPECT_EQ(rows[5]["seed"], 3);
  for (const auto& r : rows) EXPECT_EQ(r["scenario"], "seed-gtx1650");
}

TEST(ExperimentCli, CtrlCStopsCleanlyAndKeepsWhatFinished) {
  ScratchDir dir;
  // Twenty runs of twenty minutes of the ramp, one at a time: long enough to interrupt.
  write_file(dir.file("s.yaml"),
             "name: long\nseeds: 20\nscenarios:\n  - path: " + testing::scenario_path("ramp") +
                 "\n    overrides: {duration: 20m}\npolicies: [{name: hpa}]\n");
  const std::string out = dir.file("o");
  ChildProcess child(
      {USERSCALE_BINARY, "experiment", dir.file("s.yaml"), "--jobs", "1", "--out", out},
      dir.file("o.out"), dir.file("o.err"));
  ASSERT_TRUE(child.started());
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (read_file(dir.file("o.err")).find("[1/20]") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << read_file(dir.file("o.err"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child.signal(SIGINT);
  EXPECT_EQ(child.wait(kLimit), 130) << read_file(dir.file("o.err"));
  EXPECT_NE(read_file(dir.file("o.err")).find("stopping"), std::string::npos);
  const auto rows = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_GE(rows.size(), 1u);
  EXPECT_LT(rows.size(), 20u);
  const auto info = nlohmann::json::parse(read_file(out + "/experiment.json"));
  EXPECT_TRUE(info["interrupted"].get<bool>());
  EXPECT_EQ(info["finished_runs"], rows.size());
  EXPECT_TRUE(std::filesystem::exists(out + "/report.html"));
  EXPECT_NE(read_file(out + "/summary.md").find("interrupted"), std::string::npos);
}

}  // namespace
}  // namespace userscale::experiment
