#include "experiment/results_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "experiment/runner.h"
#include "sim/report_files.h"
#include "test_helpers.h"

namespace userscale::experiment {
namespace {

using testing::ScratchDir;

sim::Summary some_summary() {
  sim::Summary s;
  s.scenario = "sc";
  s.policy = "ewma";
  s.seed = 9;
  s.duration = 90;
  s.requests = 47;
  s.completed = 24;
  s.failed = 3;
  s.rejected = 1;
  s.timed_out = 2;
  s.throughput_rps = 24.0 / 90.0;
  s.latency_p99_ms = 76000.5;
  s.latency_max_ms = 77024;
  s.slo_attainment = 0.4;
  s.avg_replicas = 2.41;
  s.max_replicas = 5;
  s.scaling_events = 3;
  s.gpu_seconds = 7200;
  return s;
}

NamedValues some_analysis() {
  return {
      {"gpu_util_avg_pct", 95.92}, {"time_to_first_scale_up_s", std::nullopt}, {"gpu_hours", 2.0}};
}

std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, sep)) out.push_back(f);
  if (!line.empty() && line.back() == sep) out.push_back("");
  return out;
}

TEST(Row, ScenarioPolicySeedThenEverySummaryKeyThenAnalysis) {
  const sim::Summary s = some_summary();
  const Row row = make_row("seed-gtx1650", "score-5s", "userscale-score", 9, s, some_analysis());
  auto it = row.begin();
  EXPECT_EQ(it.key(), "scenario");
  EXPECT_EQ((++it).key(), "policy");
  EXPECT_EQ((++it).key(), "seed");
  EXPECT_EQ((++it).key(), "policy_name");
  EXPECT_EQ(row["scenario"], "seed-gtx1650");
  EXPECT_EQ(row["policy"], "score-5s");
  EXPECT_EQ(row["seed"], 9);
  EXPECT_EQ(row["policy_name"], "userscale-score");
  const nlohmann::json summary = sim::summary_json(s);
  for (const auto& [key, value] : summary.items()) {
    if (key == "scenario" || key == "policy" || key == "seed") continue;
    ASSERT_TRUE(row.contains(key)) << key;
    EXPECT_EQ(row[key].dump(), value.dump()) << key;
  }
  EXPECT_EQ(row.size(), summary.size() + 2);  // + policy_name + analysis
  EXPECT_DOUBLE_EQ(row["analysis"]["gpu_util_avg_pct"].get<double>(), 95.92);
  EXPECT_TRUE(row["analysis"]["time_to_first_scale_up_s"].is_null());
}

TEST(Row, ValuesByPath) {
  const Row row = make_row("a", "b", "b", 1, some_summary(), some_analysis());
  EXPECT_DOUBLE_EQ(row_value(row, "latency_ms.p99"), 76000.5);
  EXPECT_DOUBLE_EQ(row_value(row, "max_replicas"), 5.0);
  EXPECT_DOUBLE_EQ(row_value(row, "analysis.gpu_hours"), 2.0);
  EXPECT_TRUE(std::isnan(row_value(row, "analysis.time_to_first_scale_up_s")));
  EXPECT_TRUE(std::isnan(row_value(row, "analysis.nothing")));
  EXPECT_TRUE(std::isnan(row_value(row, "scenario")));
  EXPECT_TRUE(std::isnan(row_value(row, "latency_ms.p99.deeper")));
}

Results two_rows() {
  Results r;
  r.info.suite = "t";
  r.rows.push_back(make_row("a", "hpa", "hpa", 1, some_summary(), some_analysis()));
  r.rows.push_back(make_row("a, with comma", "kpa", "kpa", 2, some_summary(), some_analysis()));
  return r;
}

TEST(SummaryFiles, JsonIsAListOfTheRows) {
  const Results r = two_rows();
  const auto parsed = nlohmann::ordered_json::parse(summary_json_text(r));
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], r.rows[0]);
  EXPECT_EQ(parsed[1]["scenario"], "a, with comma");
}

TEST(SummaryFiles, CsvFlattensNestedKeysOneLinePerRow) {
  const std::string csv = summary_csv_text(two_rows());
  std::stringstream in(csv);
  std::string header, line1, line2, extra;
  std::getline(in, header);
  std::getline(in, line1);
  std::getline(in, line2);
  EXPECT_FALSE(std::getline(in, extra));
  const auto cols = split(header);
  ASSERT_GE(cols.size(), 4u);
  EXPECT_EQ(cols[0], "scenario");
  EXPECT_EQ(cols[1], "policy");
  EXPECT_EQ(cols[2], "seed");
  EXPECT_EQ(cols[3], "policy_name");
  for (const char* c : {"latency_ms_p99", "latency_ms_max", "failures_rejected", "throughput_rps",
                        "cost_usd", "analysis_gpu_util_avg_pct", "analysis_gpu_hours"}) {
    EXPECT_NE(std::find(cols.begin(), cols.end(), c), cols.end()) << c;
  }
  const auto f1 = split(line1);
  ASSERT_EQ(f1.size(), cols.size());
  const auto at = [&](const std::vector<std::string>& f, const std::string& c) {
    return f[static_cast<std::size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin())];
  };
  EXPECT_EQ(at(f1, "scenario"), "a");
  EXPECT_EQ(at(f1, "seed"), "1");
  EXPECT_EQ(at(f1, "latency_ms_p99"), "76000.5");
  EXPECT_EQ(at(f1, "completed"), "24");
  EXPECT_EQ(at(f1, "analysis_time_to_first_scale_up_s"), "");  // absent
  EXPECT_EQ(std::stod(at(f1, "throughput_rps")), std::stod("0.2666666667"));
  EXPECT_EQ(line2.rfind("\"a, with comma\",kpa,2,kpa,", 0), 0u) << line2;
}

TEST(TimelineCsv, RoundTripsTheSimulatorColumns) {
  sim::TimelineRow a;
  a.t = 3;
  a.desired = 2;
  a.ready = 1;
  a.pods = 2;
  a.pending = 1;
  a.nodes = 1;
  a.cpu_cores = 0.25;
  a.in_flight = 7;
  a.queued = 13;
  a.latency_p50_ms = 1500;
  a.latency_p95_ms = 2500.5;
  a.latency_p99_ms = 3000;
  a.arrivals_rps = 0.5;
  a.throughput_rps = 0.25;
  a.failures_rps = 0;
  a.gpu_util = {96.5, 0};
  sim::TimelineRow b = a;
  b.t = 6;
  b.gpu_util = {12};  // fewer values than columns: the rest are 0
  const std::string text = timeline_csv_text({a, b}, 2);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "t_s,desired,ready,pods,pending,nodes,cpu_cores,in_flight,queued,latency_p50_ms,"
            "latency_p95_ms,latency_p99_ms,arrivals_rps,throughput_rps,failures_rps,gpu_util_mean,"
            "gpu0_util,gpu1_util");
  auto rows = parse_timeline_csv(text, "t.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().to_string();
  ASSERT_EQ(rows->size(), 2u);
  const auto& r = (*rows)[0];
  EXPECT_EQ(r.t, 3);
  EXPECT_EQ(r.desired, 2);
  EXPECT_EQ(r.ready, 1);
  EXPECT_EQ(r.pods, 2);
  EXPECT_EQ(r.pending, 1);
  EXPECT_EQ(r.queued, 13);
  EXPECT_EQ(r.cpu_cores, 0.25);
  EXPECT_EQ(r.latency_p95_ms, 2500.5);
  EXPECT_EQ(r.gpu_util, (std::vector<double>{96.5, 0}));
  EXPECT_EQ((*rows)[1].gpu_util, (std::vector<double>{12, 0}));
}

TEST(TimelineCsv, ReportsBadLines) {
  EXPECT_FALSE(parse_timeline_csv("", "x").ok());
  EXPECT_FALSE(parse_timeline_csv("desired\n1\n", "x").ok());  // no t_s
  auto short_line = parse_timeline_csv("t_s,desired\n1\n", "x.csv");
  ASSERT_FALSE(short_line.ok());
  EXPECT_EQ(short_line.error().path, "x.csv:2");
  auto not_number = parse_timeline_csv("t_s,desired\n1,two\n", "x.csv");
  ASSERT_FALSE(not_number.ok());
  EXPECT_NE(not_number.error().message.find("not a number"), std::string::npos);
}

TEST(ResultsFolder, WriteThenReadBack) {
  ScratchDir dir;
  auto suite = parse_suite(testing::small_suite_yaml(), dir.str());
  ASSERT_TRUE(suite.ok());
  auto plan = make_plan(*suite);
  ASSERT_TRUE(plan.ok());
  // Two runs only, as if stopped.
  std::vector<RunOutcome> outcomes(plan->runs.size());
  for (std::size_t i = 0; i < outcomes.size(); ++i) outcomes[i].spec = plan->runs[i];
  outcomes[0] = run_one(*suite, *plan, plan->runs[0]);
  outcomes[5] = run_one(*suite, *plan, plan->runs[5]);  // seed-gtx1650, latency-fast, seed 2
  const Results results = collect_results(*suite, *plan, outcomes, true);
  const std::string out = dir.file("results");
  ASSERT_TRUE(write_results(out, results, *suite, outcomes).ok());
  for (const char* f : {"summary.json", "summary.csv", "experiment.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  }
  const std::string tl = timeline_path(out, "seed-gtx1650", "hpa", 1);
  ASSERT_TRUE(std::filesystem::exists(tl)) << tl;
  auto timeline = parse_timeline_csv(testing::read_file(tl), tl);
  ASSERT_TRUE(timeline.ok());
  EXPECT_EQ(timeline->size(), outcomes[0].trace.timeline.size());
  EXPECT_FALSE(std::filesystem::exists(timeline_path(out, "seed-gtx1650", "hpa", 2)));

  auto back = read_results(out);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_EQ(back->rows.size(), 2u);
  EXPECT_EQ(back->rows[0], results.rows[0]);
  EXPECT_EQ(back->rows[1], results.rows[1]);
  EXPECT_EQ(back->rows[1]["policy"], "latency-fast");
  const ExperimentInfo& info = back->info;
  EXPECT_EQ(info.suite, "small");
  EXPECT_TRUE(info.interrupted);
  EXPECT_EQ(info.planned_runs, 12u);
  EXPECT_EQ(info.finished_runs, 2u);
  ASSERT_EQ(info.scenarios.size(), 2u);
  EXPECT_EQ(info.scenarios[1].name, "memory-bound");
  EXPECT_EQ(info.scenarios[1].duration_s, 180.0);
  EXPECT_EQ(info.scenarios[0].seeds, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(info.scenarios[0].slo_latency_ms, 30000.0);
  ASSERT_EQ(info.policies.size(), 3u);
  EXPECT_EQ(info.policies[2].label, "latency-fast");
  EXPECT_EQ(info.policies[2].name, "latency");
}

TEST(ResultsFolder, ReadingSomethingElseFails) {
  ScratchDir dir;
  EXPECT_FALSE(read_results(dir.str()).ok());
  testing::write_file(dir.file("summary.json"), "{\"not\": \"a list\"}");
  testing::write_file(dir.file("experiment.json"), "{}");
  EXPECT_FALSE(read_results(dir.str()).ok());
  testing::write_file(dir.file("summary.json"), "[]");
  EXPECT_FALSE(read_results(dir.str()).ok());  // experiment.json lacks its fields
}

}  // namespace
}  // namespace userscale::experiment
