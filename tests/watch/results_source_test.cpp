#include "watch/results_source.h"

#include <gtest/gtest.h>

namespace userscale::watch {
namespace {

// Six samples 10 s apart (desired = t / 10) and a decision every 15 s.
std::vector<ReplayRun> one_run() {
  ReplayRun run;
  run.name = "gpu-service";
  run.policy = "hpa";
  run.slo_ms = 200.0;
  for (int i = 1; i <= 6; ++i) {
    TimelinePoint p;
    p.t = 10.0 * i;
    p.desired = i;
    p.ready = i - 1;
    p.pods = i;
    p.pending = 1;
    p.arrivals_rps = 10.0 * i;
    p.latency_p99_ms = 100.0 + i;
    p.gpu_util = {50.0 + i, 20.0};
    run.rows.push_back(p);
  }
  for (int i = 1; i <= 4; ++i) run.decisions.push_back({15.0 * i, "D" + std::to_string(i)});
  return {run};
}

std::vector<double> sample_times(const Poll& p) {
  std::vector<double> out;
  for (const auto& s : p.samples) out.push_back(s.sample.time);
  return out;
}

std::vector<std::string> lines(const Poll& p) {
  std::vector<std::string> out;
  for (const auto& d : p.decisions) out.push_back(d.decision.line);
  return out;
}

TEST(ResultsSource, ReplaysAtTheGivenSpeed) {
  ManualClock clock;
  ResultsSource src("run", one_run(), clock, 10.0);
  EXPECT_DOUBLE_EQ(src.start_time(), 10.0);
  EXPECT_DOUBLE_EQ(src.end_time(), 60.0);

  Poll p = src.poll();  // starts at the first sample
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 10.0);
  EXPECT_TRUE(p.snapshot.relative_time);
  EXPECT_EQ(sample_times(p), std::vector<double>({10.0}));
  EXPECT_TRUE(p.decisions.empty());
  EXPECT_FALSE(p.finished);
  ASSERT_EQ(p.snapshot.targets.size(), 1u);
  EXPECT_EQ(*p.snapshot.targets[0].desired, 1);

  clock.advance(0.5);  // 5 simulated seconds
  p = src.poll();
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 15.0);
  EXPECT_TRUE(p.samples.empty());
  EXPECT_EQ(lines(p), std::vector<std::string>({"D1"}));
  EXPECT_EQ(*p.snapshot.targets[0].desired, 1);  // the t=20 sample is not there yet

  clock.advance(0.5);
  p = src.poll();
  EXPECT_EQ(sample_times(p), std::vector<double>({20.0}));
  EXPECT_TRUE(p.decisions.empty());
  EXPECT_EQ(*p.snapshot.targets[0].desired, 2);

  clock.advance(100.0);  // far past the end: clamped, everything left delivered once
  p = src.poll();
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 60.0);
  EXPECT_EQ(sample_times(p), std::vector<double>({30.0, 40.0, 50.0, 60.0}));
  EXPECT_EQ(lines(p), std::vector<std::string>({"D2", "D3", "D4"}));
  EXPECT_TRUE(p.finished);

  clock.advance(1.0);
  p = src.poll();
  EXPECT_TRUE(p.samples.empty());
  EXPECT_TRUE(p.decisions.empty());
  EXPECT_TRUE(p.finished);
}

TEST(ResultsSource, PausedClockStandsStill) {
  ManualClock clock;
  ResultsSource src("run", one_run(), clock, 10.0);
  src.poll();          // t = 10
  clock.advance(0.5);  // the half second before the pause counts
  src.set_paused(true);
  clock.advance(30.0);  // the pause does not
  Poll p = src.poll();
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 15.0);
  EXPECT_EQ(lines(p), std::vector<std::string>({"D1"}));
  clock.advance(30.0);
  p = src.poll();
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 15.0);
  EXPECT_TRUE(p.decisions.empty());
  src.set_paused(false);
  clock.advance(1.5);
  p = src.poll();
  EXPECT_DOUBLE_EQ(*p.snapshot.time, 30.0);
  EXPECT_EQ(sample_times(p), std::vector<double>({20.0, 30.0}));
  EXPECT_EQ(lines(p), std::vector<std::string>({"D2"}));
}

TEST(ResultsSource, ViewOfASample) {
  ManualClock clock;
  ResultsSource src("run", one_run(), clock, 1.0);
  clock.advance(0.0);
  const TargetView v = src.poll().snapshot.targets.at(0);
  EXPECT_EQ(v.name, "gpu-service");
  EXPECT_EQ(v.policy, "hpa");
  EXPECT_EQ(*v.desired, 1);
  EXPECT_EQ(*v.current, 2);  // one pod placed, one pending
  EXPECT_EQ(*v.ready, 0);
  ASSERT_EQ(v.phase_counts.size(), 3u);
  EXPECT_EQ(v.phase_counts[0], (std::pair<std::string, int>("pending", 1)));
  EXPECT_EQ(v.phase_counts[1], (std::pair<std::string, int>("starting/terminating", 1)));
  ASSERT_EQ(v.gpus.size(), 2u);
  EXPECT_EQ(v.gpus[0].uuid, "gpu0");
  EXPECT_DOUBLE_EQ(*v.gpus[0].utilization, 51.0);
  EXPECT_FALSE(v.gpus[0].memory_used_bytes.has_value());
  EXPECT_FALSE(v.gpus[0].pods.has_value());
  EXPECT_DOUBLE_EQ(*v.service.arrival_rps, 10.0);
  EXPECT_DOUBLE_EQ(*v.service.slo_ms, 200.0);
}

TEST(ResultsSource, RejectsABadSpeed) {
  ManualClock clock;
  EXPECT_FALSE(ResultsSource::open("/nonexistent", clock, 0.0).ok());
  EXPECT_FALSE(ResultsSource::open("/nonexistent", clock, 1.0).ok());
}

}  // namespace
}  // namespace userscale::watch
