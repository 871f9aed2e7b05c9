// The real `userscale watch` on real runs of the real `userscale simulate`: on a terminal
// (inside a private tmux server: capture-pane, send-keys), off a terminal (plain lines), and
// against a scaler that goes away and comes back (a loopback HTTP server).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "watch_test_support.h"

namespace userscale::watch {
namespace {

using namespace std::chrono_literals;
using testing::Child;
using testing::eventually;
using testing::LoopbackServer;
using testing::read_text;
using testing::ScratchDir;
using testing::TmuxSession;
using testing::write_text;

const std::string kBinary = USERSCALE_BINARY;

// examples/scenarios/burst.yaml cut to three minutes with the burst early, so that a run has
// a scale-up, several decisions and a few GPUs busy.
std::string short_scenario(const ScratchDir& dir) {
  std::string text =
      read_text(std::string(USERSCALE_SOURCE_DIR) + "/examples/scenarios/burst.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "burst.yaml no longer has \"" << from << "\"";
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace("duration: 45m", "duration: 3m");
  replace("start: 5m", "start: 30s");
  replace("length: 2m", "length: 60s");
  const std::string path = dir.file("burst-short.yaml");
  write_text(path, text);
  return path;
}

bool simulate(const ScratchDir& dir, const std::string& policy, const std::string& out) {
  const int rc = testing::run_to_end(
      {kBinary, "simulate", short_scenario(dir), "--policy", policy, "--out", out},
      dir.file("sim.out"), dir.file("sim.err"), 60s);
  EXPECT_EQ(rc, 0) << read_text(dir.file("sim.err"));
  return rc == 0;
}

struct LastState {
  int desired = 0, current = 0, ready = 0;
  std::vector<double> gpu_util;
  std::vector<std::string> decisions;  // human lines, oldest first
};

// What the screen must show at the end of a replay, read from the run's own files.
LastState last_state(const std::string& run) {
  LastState s;
  std::istringstream timeline(read_text(run + "/timeline.csv"));
  std::string header, line, last;
  std::getline(timeline, header);
  while (std::getline(timeline, line)) {
    if (!line.empty()) last = line;
  }
  std::vector<std::string> names, values;
  std::stringstream h(header), v(last);
  for (std::string f; std::getline(h, f, ',');) names.push_back(f);
  for (std::string f; std::getline(v, f, ',');) values.push_back(f);
  auto get = [&](const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return std::stod(values.at(i));
    }
    ADD_FAILURE() << "no column " << name;
    return 0.0;
  };
  s.desired = static_cast<int>(get("desired"));
  s.ready = static_cast<int>(get("ready"));
  s.current = static_cast<int>(get("pods") + get("pending"));
  for (int i = 0;; ++i) {
    const std::string col = "gpu" + std::to_string(i) + "_util";
    if (std::find(names.begin(), names.end(), col) == names.end()) break;
    s.gpu_util.push_back(get(col));
  }
  std::istringstream events(read_text(run + "/events.jsonl"));
  while (std::getline(events, line)) {
    if (!line.empty()) s.decisions.push_back(nlohmann::json::parse(line).at("human"));
  }
  return s;
}

std::string gpu_text(int i, double util) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "gpu%d  util %.1f%%", i, util);
  return buf;
}

std::string watch_command(const std::string& args, const std::string& rc_file) {
  return "env LANG=C.UTF-8 " + kBinary + " watch " + args + "; echo $? > " + rc_file;
}

TEST(WatchCli, ReplayOnATerminalShowsTheRunAndQuitsOnQ) {
  if (!TmuxSession::available()) GTEST_SKIP() << "tmux is not installed (scripts/setup)";
  ScratchDir dir;
  const std::string run = dir.file("run");
  ASSERT_TRUE(simulate(dir, "hpa", run));
  const LastState want = last_state(run);
  ASSERT_GE(want.decisions.size(), 3u);
  ASSERT_GE(want.gpu_util.size(), 2u);

  const std::string rc_file = dir.file("rc");
  TmuxSession tmux(watch_command("--results " + run + " --speed 100000", rc_file), 160, 50);
  ASSERT_TRUE(tmux.ok());
  ASSERT_TRUE(tmux.wait_for("[replay finished]", 30s)) << tmux.capture();
  const std::string screen = tmux.capture();

  EXPECT_NE(screen.find("target 1/1  gpu-service  policy hpa"), std::string::npos) << screen;
  const std::string replicas = "desired " + std::to_string(want.desired) + "  current " +
                               std::to_string(want.current) + "  ready " +
                               std::to_string(want.ready);
  EXPECT_NE(screen.find(replicas), std::string::npos) << replicas << "\n" << screen;
  for (std::size_t i = 0; i < want.gpu_util.size(); ++i) {
    const std::string g = gpu_text(static_cast<int>(i), want.gpu_util[i]);
    EXPECT_NE(screen.find(g), std::string::npos) << g << "\n" << screen;
  }
  // The newest decisions, each on its own line (cut to the screen's width).
  for (std::size_t i = want.decisions.size() - 3; i < want.decisions.size(); ++i) {
    const std::string d = want.decisions[i].substr(0, 80);
    EXPECT_NE(screen.find(d), std::string::npos) << d << "\n" << screen;
  }
  EXPECT_NE(screen.find("last " + std::to_string(want.decisions.size()) + " of " +
                        std::to_string(want.decisions.size())),
            std::string::npos)
      << screen;
  EXPECT_EQ(screen.find("\x1b"), std::string::npos);

  tmux.send_keys("p");
  EXPECT_TRUE(tmux.wait_for("PAUSED", 10s)) << tmux.capture();
  tmux.send_keys("q");
  ASSERT_TRUE(eventually(
      [&] { return std::filesystem::exists(rc_file) && !read_text(rc_file).empty(); }, 10s))
      << "q did not end the watcher";
  EXPECT_EQ(read_text(rc_file), "0\n");
}

TEST(WatchCli, CompareSideBySideAndSwitchTargets) {
  if (!TmuxSession::available()) GTEST_SKIP() << "tmux is not installed (scripts/setup)";
  ScratchDir dir;
  ASSERT_TRUE(simulate(dir, "hpa", dir.file("runs/a-hpa")));
  ASSERT_TRUE(simulate(dir, "gpuaware", dir.file("runs/b-gpuaware")));
  const LastState hpa = last_state(dir.file("runs/a-hpa"));
  const LastState gpuaware = last_state(dir.file("runs/b-gpuaware"));

  {
    const std::string rc_file = dir.file("rc1");
    TmuxSession tmux(watch_command("--compare " + dir.file("runs/a-hpa") + " " +
                                       dir.file("runs/b-gpuaware") + " --speed 100000",
                                   rc_file),
                     160, 50);
    ASSERT_TRUE(tmux.ok());
    ASSERT_TRUE(tmux.wait_for("[replay finished]", 30s)) << tmux.capture();
    const std::string screen = tmux.capture();
    EXPECT_NE(screen.find("compare 2 runs"), std::string::npos) << screen;
    bool side_by_side = false;
    std::istringstream lines(screen);
    for (std::string l; std::getline(lines, l);) {
      const auto a = l.find("policy hpa");
      const auto b = l.find("policy gpuaware");
      if (a != std::string::npos && b != std::string::npos && a < b) side_by_side = true;
    }
    EXPECT_TRUE(side_by_side) << screen;
    EXPECT_NE(screen.find("desired " + std::to_string(hpa.desired) + "  current " +
                          std::to_string(hpa.current)),
              std::string::npos)
        << screen;
    EXPECT_NE(screen.find("desired " + std::to_string(gpuaware.desired) + "  current " +
                          std::to_string(gpuaware.current)),
              std::string::npos)
        << screen;
    tmux.send_keys("q");
    ASSERT_TRUE(eventually([&] { return !read_text(rc_file).empty(); }, 10s));
    EXPECT_EQ(read_text(rc_file), "0\n");
  }
  {
    // A folder of runs: one target each; tab and the arrows switch between them.
    const std::string rc_file = dir.file("rc2");
    TmuxSession tmux(watch_command("--results " + dir.file("runs") + " --speed 100000", rc_file),
                     160, 50);
    ASSERT_TRUE(tmux.ok());
    ASSERT_TRUE(tmux.wait_for("target 1/2  a-hpa  policy hpa", 30s)) << tmux.capture();
    tmux.send_keys("Tab");
    EXPECT_TRUE(tmux.wait_for("target 2/2  b-gpuaware  policy gpuaware", 10s)) << tmux.capture();
    tmux.send_keys("Right");
    EXPECT_TRUE(tmux.wait_for("target 1/2  a-hpa", 10s)) << tmux.capture();
    tmux.send_keys("Left");
    EXPECT_TRUE(tmux.wait_for("target 2/2  b-gpuaware", 10s)) << tmux.capture();
    tmux.send_keys("q");
    ASSERT_TRUE(eventually([&] { return !read_text(rc_file).empty(); }, 10s));
    EXPECT_EQ(read_text(rc_file), "0\n");
  }
}

TEST(WatchCli, PlainLinesWhenStdoutIsNotATerminal) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  ASSERT_TRUE(simulate(dir, "hpa", run));
  const LastState want = last_state(run);
  // 170 simulated seconds at 100x: under two seconds, one line every 0.2 s.
  const int rc = testing::run_to_end(
      {kBinary, "watch", "--results", run, "--speed", "100", "--interval", "0.2"}, dir.file("out"),
      dir.file("err"), 30s);
  ASSERT_EQ(rc, 0) << read_text(dir.file("err"));
  const std::string out = read_text(dir.file("out"));
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << "escape codes off a terminal";
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 3u) << out;
  for (const std::string& l : lines) {
    EXPECT_EQ(l.rfind("+00:0", 0), 0u) << l;
    EXPECT_NE(l.find("gpu-service (hpa) desired="), std::string::npos) << l;
  }
  const std::string& last = lines.back();
  EXPECT_NE(last.find("desired=" + std::to_string(want.desired) + " current=" +
                      std::to_string(want.current) + " ready=" + std::to_string(want.ready)),
            std::string::npos)
      << last;
  EXPECT_NE(last.find("last=\"" + want.decisions.back() + "\""), std::string::npos) << last;
  EXPECT_NE(last.find("[replay finished]"), std::string::npos) << last;
}

TEST(WatchCli, ReplaysAnExperimentFolder) {
  ScratchDir dir;
  short_scenario(dir);
  write_text(dir.file("suite.yaml"),
             "name: watch-test\nseeds: [1]\nscenarios:\n  - path: burst-short.yaml\n"
             "policies:\n  - name: hpa\n  - name: gpuaware\n");
  const std::string out = dir.file("exp");
  ASSERT_EQ(testing::run_to_end(
                {kBinary, "experiment", dir.file("suite.yaml"), "--jobs", "1", "--out", out},
                dir.file("exp.out"), dir.file("exp.err"), 120s),
            0)
      << read_text(dir.file("exp.err"));
  const int rc = testing::run_to_end(
      {kBinary, "watch", "--results", out, "--speed", "1000000", "--interval", "0.1"},
      dir.file("out"), dir.file("err"), 30s);
  ASSERT_EQ(rc, 0) << read_text(dir.file("err"));
  std::string last;
  std::istringstream in(read_text(dir.file("out")));
  for (std::string l; std::getline(in, l);) last = l;
  // One target per run, named by its timeline's path, with the policy from summary.json.
  EXPECT_NE(last.find("burst/gpuaware/seed-1 (gpuaware) desired="), std::string::npos) << last;
  EXPECT_NE(last.find(" | burst/hpa/seed-1 (hpa) desired="), std::string::npos) << last;
  EXPECT_NE(last.find("[replay finished]"), std::string::npos) << last;
}

// A scaler per the live-state contract, served from the test.
LoopbackServer::Answer canned_scaler(const std::string& target) {
  if (target == "/api/v1/snapshot") {
    return {200, R"j({"source": "local", "time": 1735689600, "targets": [{
      "name": "default/gpu-service", "policy": "gpuaware", "min": 1, "max": 8,
      "desired": 3, "current": 3, "ready": 2,
      "pods": [{"name": "gpu-service-1", "phase": "ready", "age_seconds": 42, "gpu": "GPU-abc"}],
      "gpus": [{"uuid": "GPU-abc", "model": "T4", "utilization": 87.5,
                "memory_used_bytes": 1.2e9, "memory_total_bytes": 16e9,
                "pods": ["gpu-service-1"]}],
      "service": {"arrival_rps": 12.0, "latency_p99_ms": 190, "slo_ms": 200},
      "decisions": [{"time": 1735689590.0, "line": "SCALED 2 -> 3 (canned)"}]}]})j"};
  }
  if (target.rfind("/api/v1/decisions", 0) == 0) {
    return {200, R"j({"next": 1, "records": [{"seq": 1, "target": "default/gpu-service",
      "time": 1735689590.0, "line": "SCALED 2 -> 3 (canned)", "record": {}}]})j"};
  }
  return {404, "{}"};
}

TEST(WatchCli, ScalerGoingAwayShowsUnreachableAndRecovers) {
  if (!TmuxSession::available()) GTEST_SKIP() << "tmux is not installed (scripts/setup)";
  ScratchDir dir;
  LoopbackServer server(canned_scaler);
  ASSERT_TRUE(server.start());
  const int port = server.port();
  const std::string rc_file = dir.file("rc");
  TmuxSession tmux(watch_command("--scaler " + server.url() + " --interval 0.2", rc_file), 160, 50);
  ASSERT_TRUE(tmux.ok());
  ASSERT_TRUE(tmux.wait_for("desired 3  current 3  ready 2", 30s)) << tmux.capture();
  std::string screen = tmux.capture();
  EXPECT_NE(screen.find("GPU-abc  T4  util 87.5%"), std::string::npos) << screen;
  EXPECT_NE(screen.find("SCALED 2 -> 3 (canned)"), std::string::npos) << screen;
  EXPECT_EQ(screen.find("UNREACHABLE"), std::string::npos) << screen;

  server.stop();
  ASSERT_TRUE(tmux.wait_for("SOURCE UNREACHABLE since", 10s)) << tmux.capture();
  screen = tmux.capture();
  EXPECT_NE(screen.find("desired 3  current 3  ready 2"), std::string::npos) << screen;

  ASSERT_TRUE(server.start(port));
  ASSERT_TRUE(
      eventually([&] { return tmux.capture().find("UNREACHABLE") == std::string::npos; }, 10s))
      << tmux.capture();
  screen = tmux.capture();
  EXPECT_NE(screen.find("desired 3  current 3  ready 2"), std::string::npos) << screen;

  tmux.send_keys("q");
  ASSERT_TRUE(eventually([&] { return !read_text(rc_file).empty(); }, 10s));
  EXPECT_EQ(read_text(rc_file), "0\n");
}

TEST(WatchCli, PlainLinesShowAnUnreachableScalerToo) {
  ScratchDir dir;
  LoopbackServer server(canned_scaler);
  ASSERT_TRUE(server.start());
  const int port = server.port();
  Child watch({kBinary, "watch", "--scaler", server.url(), "--interval", "0.1"}, dir.file("out"),
              dir.file("err"));
  auto has = [&](const std::string& s) { return read_text(dir.file("out")).find(s); };
  ASSERT_TRUE(
      eventually([&] { return has("desired=3 current=3 ready=2") != std::string::npos; }, 30s))
      << read_text(dir.file("err"));
  server.stop();
  ASSERT_TRUE(eventually([&] { return has("SOURCE UNREACHABLE since") != std::string::npos; }, 10s))
      << read_text(dir.file("out"));
  const auto down_at = has("SOURCE UNREACHABLE since");
  ASSERT_TRUE(server.start(port));
  ASSERT_TRUE(eventually(
      [&] {
        const std::string out = read_text(dir.file("out"));
        return out.find("desired=3", down_at) != std::string::npos;
      },
      10s))
      << read_text(dir.file("out"));
  watch.signal(SIGTERM);
  EXPECT_EQ(watch.wait(10s), 0);
  const std::string out = read_text(dir.file("out"));
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_NE(out.find("00:00:00Z default/gpu-service (gpuaware) desired=3 current=3 ready=2 "
                     "rate=12.0/s p99=190.0ms last=\"SCALED 2 -> 3 (canned)\""),
            std::string::npos)
      << out;
}

TEST(WatchCli, BadInputExits2) {
  ScratchDir dir;
  auto run = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kBinary, "watch"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_to_end(argv, dir.file("out"), dir.file("err"), 30s);
  };
  EXPECT_EQ(run({}), 2);
  EXPECT_NE(read_text(dir.file("err")).find("exactly one of"), std::string::npos);
  EXPECT_EQ(run({"--results", dir.str()}), 2);
  EXPECT_NE(read_text(dir.file("err")).find("no timeline.csv"), std::string::npos);
  EXPECT_EQ(run({"--scaler", "https://example.com"}), 2);
  EXPECT_EQ(run({"--results", dir.str(), "--speed", "0"}), 2);
  EXPECT_EQ(run({"--compare", dir.str()}), 2);
}

}  // namespace
}  // namespace userscale::watch
