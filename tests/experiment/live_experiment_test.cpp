// `userscale experiment --world local` end to end on examples/experiments/local-smoke.yaml
// (serve replicas, HAProxy, Prometheus, the controller, `userscale load`), time-scaled to about
// 30 s a run, and the consistency of what it writes: the requests in summary.json are those the
// load generator reports (and those the scenario scheduled), the replicas stay within the
// scenario's min/max, and the report renders from the saved results.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "experiment/results_io.h"
#include "support/child_process.h"
#include "support/scratch_dir.h"

namespace userscale::experiment {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using userscale::testing::run_to_end;
using userscale::testing::ScratchDir;

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in, nullptr, false);
}

std::size_t data_lines(const fs::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n > 0 ? n - 1 : 0;  // less the header
}

TEST(LiveExperiment, SmokeSuiteRunsLiveAndItsResultsAgreeWithTheLoadGenerator) {
  ScratchDir dir("us-live-exp");
  const std::string out = dir.file("results");
  const int rc =
      run_to_end({USERSCALE_BINARY, "experiment", "--world", "local",
                  std::string(USERSCALE_SOURCE_DIR) + "/examples/experiments/local-smoke.yaml",
                  "--time-scale", "0.75", "--out", out},
                 dir.file("stdout"), dir.file("stderr"), 280s);
  std::ifstream err(dir.file("stderr"));
  std::stringstream err_text;
  err_text << err.rdbuf();
  ASSERT_EQ(rc, 0) << err_text.str();

  const nlohmann::json rows = read_json(fs::path(out) / "summary.json");
  ASSERT_TRUE(rows.is_array()) << "summary.json";
  ASSERT_EQ(rows.size(), 2u) << rows.dump(2);
  for (const auto& row : rows) {
    const std::string policy = row["policy"];
    SCOPED_TRACE(policy);
    const fs::path run = fs::path(out) / "live" / "local-burst" / policy / "seed-1";
    const nlohmann::json load = read_json(run / "load.json");
    ASSERT_TRUE(load.is_object()) << "load.json of " << policy;
    EXPECT_GT(row["requests"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(row["requests"], load["requests"]);
    EXPECT_EQ(row["completed"], load["completed"]);
    // The open loop sends every arrival the scenario scheduled.
    EXPECT_EQ(row["requests"].get<std::size_t>(), data_lines(run / "arrivals.csv"));
    EXPECT_GE(row["max_replicas"].get<int>(), 1);
    EXPECT_LE(row["max_replicas"].get<int>(), 3);

    auto text = read_text_file(timeline_path(out, "local-burst", policy, 1));
    ASSERT_TRUE(text.ok());
    auto timeline = parse_timeline_csv(*text, "timeline");
    ASSERT_TRUE(timeline.ok()) << timeline.error().to_string();
    ASSERT_GE(timeline->size(), 10u) << "a sample every 1.5 s over 30 s";
    double completed = 0.0, prev = 0.0;
    for (const auto& r : *timeline) {
      EXPECT_GE(r.desired, 1);
      EXPECT_LE(r.desired, 3);
      EXPECT_LE(r.pods, 3);
      EXPECT_LE(r.ready, r.pods);
      completed += r.throughput_rps * (r.t - prev);
      prev = r.t;
    }
    // The timeline's throughput is the load generator's per-second count: it adds up to the
    // completed requests (those answered after the last sample excepted).
    EXPECT_LE(completed, row["completed"].get<double>() + 0.5);
    EXPECT_GE(completed, 0.8 * row["completed"].get<double>());
    // Every process the run started is gone: the world removes its state file on stop.
    EXPECT_FALSE(fs::exists(run / "world" / "state.json"));
  }
  EXPECT_GT(fs::file_size(fs::path(out) / "report.html"), 1000u);

  // The report renders again from the saved results alone.
  fs::remove(fs::path(out) / "report.html");
  ASSERT_EQ(run_to_end({USERSCALE_BINARY, "report", out}, dir.file("report.out"),
                       dir.file("report.err"), 60s),
            0);
  EXPECT_TRUE(fs::exists(fs::path(out) / "report.html"));
  std::ifstream table(dir.file("report.out"));
  std::stringstream table_text;
  table_text << table.rdbuf();
  EXPECT_NE(table_text.str().find("gpuaware"), std::string::npos) << table_text.str();
}

}  // namespace
}  // namespace userscale::experiment
