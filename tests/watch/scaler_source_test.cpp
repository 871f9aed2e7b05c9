// ScalerSource against a real HTTP server on loopback that plays a scaler per the live-state
// contract, stopped and restarted on the same port.
#include "watch/scaler_source.h"

#include <gtest/gtest.h>

#include <mutex>

#include "watch/render.h"
#include "watch_test_support.h"

namespace userscale::watch {
namespace {

using testing::LoopbackServer;

// What the fake scaler serves; changed by the test between polls.
struct FakeScaler {
  std::mutex mu;
  int desired = 3;
  bool serve_stream = true;
  struct Record {
    long long seq;
    double time;
    std::string line;
  };
  std::vector<Record> records;

  LoopbackServer::Answer answer(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu);
    if (target == "/api/v1/snapshot") {
      std::string decisions;
      const std::size_t from = records.size() > 20 ? records.size() - 20 : 0;
      for (std::size_t i = from; i < records.size(); ++i) {
        if (!decisions.empty()) decisions += ",";
        decisions += R"({"time": )" + std::to_string(records[i].time) + R"(, "line": ")" +
                     records[i].line + R"("})";
      }
      return {200, R"({"source": "local", "time": 1735689600, "targets": [{"name": "default/svc",
          "policy": "gpuaware", "min": 1, "max": 8, "desired": )" +
                       std::to_string(desired) + R"(, "current": 3, "ready": 2,
          "pods": [{"name": "svc-1", "phase": "ready", "age_seconds": 42, "gpu": "GPU-abc"}],
          "gpus": [{"uuid": "GPU-abc", "model": "T4", "utilization": 87.5,
                    "memory_used_bytes": 1.2e9, "memory_total_bytes": 16e9, "pods": ["svc-1"]}],
          "service": {"arrival_rps": 12, "latency_p99_ms": 190, "slo_ms": 200},
          "decisions": [)" +
                       decisions + "]}]}"};
    }
    const std::string prefix = "/api/v1/decisions?after=";
    if (target.rfind(prefix, 0) == 0) {
      if (!serve_stream) return {404, "{}"};
      const long long after = std::stoll(target.substr(prefix.size()));
      // As the controller answers: `next` is the last record's seq, or `after` when none.
      std::string body;
      long long next = after;
      for (const Record& r : records) {
        if (r.seq <= after) continue;
        if (!body.empty()) body += ",";
        body += R"({"seq": )" + std::to_string(r.seq) + R"(, "target": "default/svc", "time": )" +
                std::to_string(r.time) + R"(, "line": ")" + r.line + R"(", "record": {}})";
        next = r.seq;
      }
      return {200, R"({"next": )" + std::to_string(next) + R"(, "records": [)" + body + "]}"};
    }
    return {404, "not found"};
  }
};

std::vector<std::string> lines_of(const Poll& p) {
  std::vector<std::string> out;
  for (const auto& d : p.decisions) out.push_back(d.decision.line);
  return out;
}

std::string screen(const WatchModel& m) {
  std::string out;
  for (const auto& l : render_screen({&m}, ViewState{}, RenderOptions{120, 40, true})) {
    out += l.text() + "\n";
  }
  return out;
}

class ScalerSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.records = {{1, 1001.0, "HOLD 3: first"}, {2, 1002.0, "SCALED 2 -> 3 (x)"}};
    ASSERT_TRUE(server_.start());
    auto s = ScalerSource::open(server_.url(), clock_, std::chrono::milliseconds(1000));
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    source_ = std::move(s).value();
  }

  FakeScaler fake_;
  LoopbackServer server_{[this](const std::string& t) { return fake_.answer(t); }};
  ManualClock clock_;
  std::unique_ptr<ScalerSource> source_;
};

TEST_F(ScalerSourceTest, ReadsTheSnapshotAndFollowsTheDecisions) {
  Poll p = source_->poll();
  ASSERT_TRUE(p.reachable) << p.error;
  ASSERT_EQ(p.snapshot.targets.size(), 1u);
  EXPECT_EQ(*p.snapshot.targets[0].desired, 3);
  ASSERT_EQ(p.samples.size(), 1u);
  EXPECT_DOUBLE_EQ(p.samples[0].sample.time, 1735689600.0);
  EXPECT_EQ(lines_of(p), std::vector<std::string>({"HOLD 3: first", "SCALED 2 -> 3 (x)"}));

  p = source_->poll();  // nothing new
  EXPECT_TRUE(lines_of(p).empty());

  {
    std::lock_guard<std::mutex> lock(fake_.mu);
    fake_.records.push_back({3, 1003.0, "HOLD 3: third"});
  }
  p = source_->poll();
  EXPECT_EQ(lines_of(p), std::vector<std::string>({"HOLD 3: third"}));
}

TEST_F(ScalerSourceTest, WithoutTheStreamUsesTheSnapshotsOwnDecisions) {
  fake_.serve_stream = false;
  Poll p = source_->poll();
  ASSERT_TRUE(p.reachable) << p.error;
  EXPECT_EQ(lines_of(p), std::vector<std::string>({"HOLD 3: first", "SCALED 2 -> 3 (x)"}));
  p = source_->poll();
  EXPECT_TRUE(lines_of(p).empty());  // the same list again shows nothing twice
  {
    std::lock_guard<std::mutex> lock(fake_.mu);
    fake_.records.push_back({3, 1003.0, "HOLD 3: third"});
  }
  EXPECT_EQ(lines_of(source_->poll()), std::vector<std::string>({"HOLD 3: third"}));
}

TEST_F(ScalerSourceTest, UnreachableThenRecovers) {
  WatchModel model(source_->describe());
  model.apply(source_->poll(), clock_.wall());
  EXPECT_NE(screen(model).find("desired 3  current 3  ready 2"), std::string::npos);

  const int port = server_.port();
  server_.stop();
  clock_.advance(1.0);
  Poll down = source_->poll();
  EXPECT_FALSE(down.reachable);
  EXPECT_NE(down.error.find("connect"), std::string::npos) << down.error;
  model.apply(down, clock_.wall());
  clock_.advance(4.0);
  model.apply(source_->poll(), clock_.wall());
  std::string s = screen(model);
  EXPECT_NE(s.find("SOURCE UNREACHABLE since 00:00:01Z (4s): connect"), std::string::npos) << s;
  EXPECT_NE(s.find("desired 3"), std::string::npos) << s;  // the last known state stays

  // The scaler comes back on the same port, restarted: its decision sequence starts over.
  {
    std::lock_guard<std::mutex> lock(fake_.mu);
    fake_.desired = 4;
    fake_.records = {{1, 2001.0, "HOLD 4: after the restart"}};
  }
  ASSERT_TRUE(server_.start(port));
  clock_.advance(1.0);
  Poll up = source_->poll();
  ASSERT_TRUE(up.reachable) << up.error;
  EXPECT_EQ(lines_of(up), std::vector<std::string>({"HOLD 4: after the restart"}));
  model.apply(up, clock_.wall());
  s = screen(model);
  EXPECT_EQ(s.find("UNREACHABLE"), std::string::npos) << s;
  EXPECT_NE(s.find("desired 4  current 3  ready 2"), std::string::npos) << s;
  EXPECT_NE(s.find("SCALED 2 -> 3 (x)"), std::string::npos) << s;  // history is kept
  EXPECT_NE(s.find("HOLD 4: after the restart"), std::string::npos) << s;
}

TEST_F(ScalerSourceTest, ARestartBetweenTwoPollsIsNoticed) {
  EXPECT_EQ(lines_of(source_->poll()).size(), 2u);
  const int port = server_.port();
  server_.stop();
  {
    std::lock_guard<std::mutex> lock(fake_.mu);
    fake_.records = {{1, 2001.0, "HOLD 3: restarted"}};
  }
  ASSERT_TRUE(server_.start(port));
  // The snapshot names a decision the stream (after=2) does not bring: read it again.
  EXPECT_EQ(lines_of(source_->poll()), std::vector<std::string>({"HOLD 3: restarted"}));
  EXPECT_TRUE(lines_of(source_->poll()).empty());
  {
    std::lock_guard<std::mutex> lock(fake_.mu);
    fake_.records.push_back({2, 2002.0, "HOLD 3: next"});
  }
  EXPECT_EQ(lines_of(source_->poll()), std::vector<std::string>({"HOLD 3: next"}));
}

TEST_F(ScalerSourceTest, AWrongAnswerIsAnUnreachableSource) {
  server_.set_handler([](const std::string&) { return LoopbackServer::Answer{500, "oops"}; });
  Poll p = source_->poll();
  EXPECT_FALSE(p.reachable);
  EXPECT_NE(p.error.find("500"), std::string::npos) << p.error;
  server_.set_handler([](const std::string&) { return LoopbackServer::Answer{200, "<html>"}; });
  p = source_->poll();
  EXPECT_FALSE(p.reachable);
  EXPECT_NE(p.error.find("not valid JSON"), std::string::npos) << p.error;
}

TEST(ScalerSourceUrl, RejectsABadUrl) {
  ManualClock clock;
  EXPECT_FALSE(ScalerSource::open("https://x", clock).ok());
  EXPECT_FALSE(ScalerSource::open("127.0.0.1:80", clock).ok());
}

}  // namespace
}  // namespace userscale::watch
