#include "watch/render.h"

#include <gtest/gtest.h>

#include "watch/plain_line.h"
#include "watch/snapshot_json.h"
#include "watch/text_format.h"

namespace userscale::watch {
namespace {

constexpr double kWall = 1735689600.0;  // 2025-01-01T00:00:00Z

TargetView target(const std::string& name, const std::string& policy) {
  TargetView t;
  t.name = name;
  t.policy = policy;
  t.min = 1;
  t.max = 8;
  t.desired = 3;
  t.current = 3;
  t.ready = 2;
  t.pods = {{"gpu-service-b", "ready", 42.0, "GPU-abc"},
            {"gpu-service-c", "starting", 3.0, "GPU-abc"},
            {"gpu-service-a", "pending", 125.0, ""},
            {"gpu-service-d", "terminating", 3700.0, "GPU-def"}};
  GpuView g;
  g.uuid = "GPU-abc";
  g.model = "T4";
  g.utilization = 87.5;
  g.memory_used_bytes = 1.2e9;
  g.memory_total_bytes = 16e9;
  g.pods = std::vector<std::string>{"gpu-service-b", "gpu-service-c"};
  t.gpus = {g};
  t.service.arrival_rps = 12.0;
  t.service.throughput_rps = 11.5;
  t.service.in_flight = 4;
  t.service.queued = 1;
  t.service.latency_p50_ms = 80;
  t.service.latency_p95_ms = 150;
  t.service.latency_p99_ms = 190;
  t.service.slo_ms = 200;
  return t;
}

Poll poll_of(std::vector<TargetView> targets, int decisions = 3, double time = kWall) {
  Poll p;
  p.snapshot.source = "local";
  p.snapshot.time = time;
  for (const TargetView& t : targets) {
    for (int i = 0; i < 10; ++i) {
      p.samples.push_back({t.name, Sample{time - 10 + i, 1 + i % 3, 1 + i % 3, i % 3}});
    }
    for (int i = 1; i <= decisions; ++i) {
      p.decisions.push_back({t.name, DecisionLine{time - decisions + i,
                                                  "HOLD " + t.name + " #" + std::to_string(i)}});
    }
  }
  p.snapshot.targets = std::move(targets);
  return p;
}

std::string screen_text(const std::vector<ScreenLine>& lines) {
  std::string out;
  for (const auto& l : lines) out += l.text() + "\n";
  return out;
}

void expect_fits(const std::vector<ScreenLine>& lines, int width, int height) {
  EXPECT_LE(lines.size(), static_cast<std::size_t>(height));
  for (const auto& l : lines)
    EXPECT_LE(columns(l.text()), static_cast<std::size_t>(width)) << l.text();
}

TEST(Render, ShowsReplicasPodsGpusServiceAndDecisions) {
  WatchModel m("scaler http://127.0.0.1:9090");
  m.apply(poll_of({target("default/gpu-service", "gpuaware")}), kWall);
  const auto lines = render_screen({&m}, ViewState{}, RenderOptions{120, 40, true});
  expect_fits(lines, 120, 40);
  const std::string s = screen_text(lines);
  EXPECT_NE(s.find("scaler http://127.0.0.1:9090"), std::string::npos) << s;
  EXPECT_NE(s.find("00:00:00Z"), std::string::npos) << s;
  EXPECT_NE(s.find("target 1/1  default/gpu-service  policy gpuaware"), std::string::npos) << s;
  EXPECT_NE(s.find("desired 3  current 3  ready 2  (min 1, max 8)"), std::string::npos) << s;
  EXPECT_NE(s.find("pending 1  starting 1  ready 1  terminating 1"), std::string::npos) << s;
  // Pods by phase, then name, with their ages and GPUs.
  const auto a = s.find("gpu-service-a");
  const auto c = s.find("gpu-service-c  starting");
  const auto b = s.find("gpu-service-b  ready");
  const auto d = s.find("gpu-service-d  terminating");
  ASSERT_NE(a, std::string::npos) << s;
  EXPECT_LT(a, c);
  EXPECT_LT(c, b);
  EXPECT_LT(b, d);
  EXPECT_NE(s.find("2m05s"), std::string::npos) << s;
  EXPECT_NE(s.find("1h01m"), std::string::npos) << s;
  EXPECT_NE(s.find("on GPU-abc"), std::string::npos) << s;
  EXPECT_NE(s.find("GPU-abc  T4  util 87.5%  [#########-]  mem 1.1/14.9 GiB  pods "
                   "gpu-service-b, gpu-service-c"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("arrival 12.0 req/s  throughput 11.5 req/s  in flight 4  queued 1"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("p50 80.0 ms  p95 150.0 ms  p99 190.0 ms  SLO 200 ms  p99 within SLO"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("last 3 of 3"), std::string::npos) << s;
  EXPECT_NE(s.find("HOLD default/gpu-service #3"), std::string::npos) << s;
  EXPECT_NE(s.find("q quit"), std::string::npos) << s;
  EXPECT_EQ(s.find("PAUSED"), std::string::npos);
  EXPECT_EQ(s.find("UNREACHABLE"), std::string::npos);
}

TEST(Render, LatencyOverTheSloIsFlagged) {
  TargetView t = target("a", "hpa");
  t.service.latency_p99_ms = 250;
  WatchModel m("x");
  m.apply(poll_of({t}), kWall);
  const auto lines = render_screen({&m}, ViewState{}, RenderOptions{120, 40, true});
  bool flagged = false;
  for (const auto& l : lines) {
    for (const auto& span : l.spans) {
      if (span.text.find("p99 OVER SLO") != std::string::npos && span.style == Style::Bad) {
        flagged = true;
      }
    }
  }
  EXPECT_TRUE(flagged) << screen_text(lines);
}

TEST(Render, UnreachableSourceAndRecovery) {
  WatchModel m("scaler http://127.0.0.1:1");
  Poll down;
  down.reachable = false;
  down.error = "connect: 127.0.0.1:1: Connection refused";
  m.apply(down, kWall + 5);
  std::string s = screen_text(render_screen({&m}, ViewState{}, RenderOptions{100, 30, true}));
  EXPECT_NE(s.find("SOURCE UNREACHABLE since 00:00:05Z (0s): connect: 127.0.0.1:1: Connection "
                   "refused"),
            std::string::npos)
      << s;

  m.apply(poll_of({target("a", "hpa")}), kWall + 10);
  s = screen_text(render_screen({&m}, ViewState{}, RenderOptions{100, 30, true}));
  EXPECT_EQ(s.find("UNREACHABLE"), std::string::npos) << s;
  EXPECT_NE(s.find("desired 3"), std::string::npos) << s;

  // Gone again: the alert, with its age, above the last known state.
  m.apply(down, kWall + 20);
  m.apply(down, kWall + 32);
  s = screen_text(render_screen({&m}, ViewState{}, RenderOptions{100, 30, true}));
  EXPECT_NE(s.find("SOURCE UNREACHABLE since 00:00:20Z (12s)"), std::string::npos) << s;
  EXPECT_NE(s.find("last known state below"), std::string::npos) << s;
  EXPECT_NE(s.find("desired 3"), std::string::npos) << s;

  m.apply(poll_of({target("a", "hpa")}), kWall + 40);
  s = screen_text(render_screen({&m}, ViewState{}, RenderOptions{100, 30, true}));
  EXPECT_EQ(s.find("UNREACHABLE"), std::string::npos) << s;
}

TEST(Render, SelectedTargetAndPause) {
  WatchModel m("x");
  m.apply(poll_of({target("ns/first", "hpa"), target("ns/second", "kpa")}), kWall);
  ViewState v;
  v.selected = 1;
  v.paused = true;
  std::string s = screen_text(render_screen({&m}, v, RenderOptions{100, 30, true}));
  EXPECT_NE(s.find("target 2/2  ns/second  policy kpa"), std::string::npos) << s;
  EXPECT_NE(s.find("PAUSED"), std::string::npos) << s;
  EXPECT_NE(s.find("p resume"), std::string::npos) << s;
  EXPECT_EQ(s.find("ns/first"), std::string::npos) << s;
  v.selected = 2;  // wraps
  s = screen_text(render_screen({&m}, v, RenderOptions{100, 30, true}));
  EXPECT_NE(s.find("target 1/2  ns/first"), std::string::npos) << s;
}

TEST(Render, ComparisonSideBySide) {
  WatchModel left("results runs/hpa (replay x10)");
  WatchModel right("results runs/gpuaware (replay x10)");
  left.apply(poll_of({target("gpu-service", "hpa")}), kWall);
  TargetView t = target("gpu-service", "gpuaware");
  t.desired = 5;
  right.apply(poll_of({t}), kWall);
  const auto lines = render_screen({&left, &right}, ViewState{}, RenderOptions{161, 40, true});
  expect_fits(lines, 161, 40);
  const std::string s = screen_text(lines);
  EXPECT_NE(s.find("compare 2 runs"), std::string::npos) << s;
  bool same_line = false;
  for (const auto& l : lines) {
    const std::string text = l.text();
    const auto a = text.find("policy hpa");
    const auto b = text.find("policy gpuaware");
    if (a != std::string::npos && b != std::string::npos && a < b &&
        text.find("\u2502") != std::string::npos) {
      same_line = true;
    }
  }
  EXPECT_TRUE(same_line) << s;
  EXPECT_NE(s.find("desired 5"), std::string::npos) << s;
}

TEST(Render, ManyDecisionsKeepTheNewestInView) {
  WatchModel m("x");
  m.apply(poll_of({target("a", "hpa")}, 60), kWall);
  const auto lines = render_screen({&m}, ViewState{}, RenderOptions{100, 30, false});
  expect_fits(lines, 100, 30);
  const std::string s = screen_text(lines);
  EXPECT_NE(s.find("HOLD a #60"), std::string::npos) << s;
  EXPECT_NE(s.find("HOLD a #48 "), std::string::npos) << s;
  EXPECT_EQ(s.find("HOLD a #47 "), std::string::npos) << s;
  EXPECT_EQ(s.find("HOLD a #1 "), std::string::npos) << s;
  EXPECT_NE(s.find("of 60"), std::string::npos) << s;
  for (unsigned char ch : s) EXPECT_LT(ch, 0x80) << "ASCII mode printed a non-ASCII byte";
}

TEST(Render, AnySizeFits) {
  WatchModel m("x");
  m.apply(poll_of({target("a-very-long-target-name/with-a-namespace", "hpa")}, 30), kWall);
  for (int w : {1, 5, 20, 40, 80, 200}) {
    for (int h : {1, 2, 3, 8, 24, 60}) {
      const auto lines = render_screen({&m, &m}, ViewState{}, RenderOptions{w, h, true});
      expect_fits(lines, w, h);
    }
  }
}

TEST(Render, SparklinesFollowTheHistory) {
  EXPECT_EQ(sparkline({0, 4, 8, std::nullopt}, 8, false), "_=# ");
  EXPECT_EQ(sparkline({0, 8}, 8, true), "\u2581\u2588");
  WatchModel m("x");
  m.apply(poll_of({target("a", "hpa")}), kWall);
  const std::string s = screen_text(render_screen({&m}, ViewState{}, RenderOptions{80, 30, false}));
  // desired went 1,2,3,1,2,3,... over the ten samples, on a 0..3 scale.
  EXPECT_NE(s.find("  desired  " + sparkline({1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, 3, false) + " 1"),
            std::string::npos)
      << s;
}

TEST(PlainLine, OneLinePerRefresh) {
  WatchModel m("x");
  Poll p = poll_of({target("default/gpu-service", "gpuaware")});
  p.decisions.push_back({"default/gpu-service", DecisionLine{kWall, "SCALED 2 -> 3\x1b[31m\n"}});
  m.apply(p, kWall);
  const std::string line = plain_line({&m}, kWall);
  EXPECT_EQ(line,
            "00:00:00Z default/gpu-service (gpuaware) desired=3 current=3 ready=2 rate=12.0/s "
            "p99=190.0ms last=\"SCALED 2 -> 3 [31m \"");

  TargetView unknown;
  unknown.name = "b";
  WatchModel u("y");
  u.apply(poll_of({unknown}, 0), kWall);
  EXPECT_EQ(plain_line({&u}, kWall),
            "00:00:00Z b desired=n/a current=n/a ready=n/a rate=n/a p99=n/a");
  const std::string s = screen_text(render_screen({&u}, ViewState{}, RenderOptions{100, 30, true}));
  EXPECT_NE(s.find("p50 n/a  p95 n/a  p99 n/a  SLO n/a"), std::string::npos) << s;

  Poll down;
  down.reachable = false;
  down.error = "connect: refused";
  m.apply(down, kWall + 7);
  EXPECT_EQ(plain_line({&m, &m}, kWall + 9),
            "00:00:09Z SOURCE UNREACHABLE since 00:00:07Z: connect: refused || SOURCE "
            "UNREACHABLE since 00:00:07Z: connect: refused");
}

}  // namespace
}  // namespace userscale::watch
