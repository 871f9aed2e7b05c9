#include "watch/run_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "watch_test_support.h"

namespace userscale::watch {
namespace {

using testing::ScratchDir;
using testing::write_text;

constexpr const char* kTimeline =
    "t_s,desired,ready,pods,pending,nodes,cpu_cores,in_flight,queued,latency_p50_ms,"
    "latency_p95_ms,latency_p99_ms,arrivals_rps,throughput_rps,failures_rps,gpu_util_mean,"
    "gpu0_util,gpu1_util\n"
    "10,2,2,2,0,1,0.7,1,0,36.7,55.5,69.9,38.2,38.1,0,13.4,27.2,26.6\n"
    "20,4,2,3,1,1,0.8,16,980,2540,4731,4945,199.4,99.9,0,26.2,53.2,51.8\n";

constexpr const char* kEvents =
    R"({"t":15.0,"target":"gpu-service","human":"HOLD 2 (wanted 0): blocked","time":1})"
    "\n"
    R"j({"t":30.0,"target":"gpu-service","human":"SCALED 2 -> 4 (requests_in_flight=8)"})j"
    "\n";

void write_run(const std::string& dir, const std::string& policy) {
  std::filesystem::create_directories(dir);
  write_text(dir + "/timeline.csv", kTimeline);
  write_text(dir + "/events.jsonl", kEvents);
  write_text(dir + "/summary.json",
             R"({"scenario": "burst", "policy": ")" + policy + R"(", "slo_latency_ms": 200.0})");
}

TEST(RunFiles, ParsesATimelineByItsHeader) {
  auto rows = parse_timeline(kTimeline, "timeline.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().to_string();
  ASSERT_EQ(rows->size(), 2u);
  const TimelinePoint& r = (*rows)[1];
  EXPECT_DOUBLE_EQ(r.t, 20.0);
  EXPECT_EQ(r.desired, 4);
  EXPECT_EQ(r.ready, 2);
  EXPECT_EQ(r.pods, 3);
  EXPECT_EQ(r.pending, 1);
  EXPECT_DOUBLE_EQ(r.queued, 980.0);
  EXPECT_DOUBLE_EQ(r.latency_p99_ms, 4945.0);
  ASSERT_EQ(r.gpu_util.size(), 2u);
  EXPECT_DOUBLE_EQ(r.gpu_util[1], 51.8);
}

TEST(RunFiles, TimelineErrorsNameTheLine) {
  auto short_row = parse_timeline("t_s,desired\n1,2\n3\n", "x.csv");
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.error().path, "x.csv:3");
  auto bad_number = parse_timeline("t_s,desired\n1,two\n", "x.csv");
  ASSERT_FALSE(bad_number.ok());
  EXPECT_EQ(bad_number.error().path, "x.csv:2");
  EXPECT_FALSE(parse_timeline("a,b\n1,2\n", "x.csv").ok());
}

TEST(RunFiles, ParsesEvents) {
  auto d = parse_events(kEvents, "events.jsonl");
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_DOUBLE_EQ((*d)[1].t, 30.0);
  EXPECT_EQ((*d)[1].line, "SCALED 2 -> 4 (requests_in_flight=8)");
  auto bad = parse_events("{\"t\": 1}\nnot json\n", "e.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "e.jsonl:2");
}

TEST(RunFiles, LoadsASimulateFolder) {
  ScratchDir dir;
  write_run(dir.str(), "hpa");
  auto runs = load_runs(dir.str());
  ASSERT_TRUE(runs.ok()) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].name, "gpu-service");
  EXPECT_EQ((*runs)[0].policy, "hpa");
  EXPECT_DOUBLE_EQ(*(*runs)[0].slo_ms, 200.0);
  EXPECT_EQ((*runs)[0].rows.size(), 2u);
  EXPECT_EQ((*runs)[0].decisions.size(), 2u);
}

TEST(RunFiles, LoadsATreeOfSimulateFolders) {
  ScratchDir dir;
  write_run(dir.file("b-gpuaware"), "gpuaware");
  write_run(dir.file("a-hpa"), "hpa");
  auto runs = load_runs(dir.str());
  ASSERT_TRUE(runs.ok()) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].name, "a-hpa");
  EXPECT_EQ((*runs)[0].policy, "hpa");
  EXPECT_EQ((*runs)[1].name, "b-gpuaware");
  EXPECT_EQ((*runs)[1].policy, "gpuaware");
}

TEST(RunFiles, LoadsAnExperimentFolder) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.file("timelines/burst/hpa"));
  std::filesystem::create_directories(dir.file("timelines/burst/my_policy"));
  write_text(dir.file("timelines/burst/hpa/seed-1.csv"), kTimeline);
  write_text(dir.file("timelines/burst/my_policy/seed-1.csv"), kTimeline);
  write_text(dir.file("experiment.json"), "{}");
  write_text(dir.file("summary.json"), R"([
    {"scenario": "burst", "policy": "hpa", "policy_name": "hpa", "seed": 1,
     "slo_latency_ms": 200},
    {"scenario": "burst", "policy": "my policy", "policy_name": "ewma", "seed": 1,
     "slo_latency_ms": 250}])");
  auto runs = load_runs(dir.str());
  ASSERT_TRUE(runs.ok()) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].name, "burst/hpa/seed-1");
  EXPECT_EQ((*runs)[0].policy, "hpa");
  EXPECT_EQ((*runs)[1].name, "burst/my_policy/seed-1");
  EXPECT_EQ((*runs)[1].policy, "ewma");
  EXPECT_DOUBLE_EQ(*(*runs)[1].slo_ms, 250.0);
  EXPECT_TRUE((*runs)[1].decisions.empty());  // an experiment keeps no decision records
}

TEST(RunFiles, SaysWhatIsMissing) {
  ScratchDir dir;
  auto none = load_runs(dir.str());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no timeline.csv"), std::string::npos);
  EXPECT_FALSE(load_runs(dir.file("nope")).ok());
}

}  // namespace
}  // namespace userscale::watch
