// The load generator against the real `userscale serve` binary on loopback.
#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "loadgen/arrivals.h"
#include "loadgen/load_runner.h"
#include "metrics/http_client.h"
#include "server/serve_process.h"

namespace userscale::loadgen {
namespace {

using testing::ServeProcess;

LoadOptions against(const ServeProcess& s, const std::string& target) {
  LoadOptions o;
  o.host = "127.0.0.1";
  o.port = s.port_string();
  o.mix = EndpointMix::single(RequestSpec{target, "GET", target, "", "", 1.0});
  return o;
}

TEST(Load, OpenLoopSendsAtTheScheduledRate) {
  ServeProcess s({});
  LoadOptions o = against(s, "/healthz");
  o.open_loop = true;
  o.duration_s = 2.0;
  o.connections = 8;
  o.schedule = arrival_times(flat_rate(100), 100, o.duration_s, Arrival::Constant, 1);
  const auto t0 = std::chrono::steady_clock::now();
  const LoadSummary r = run_load(o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.requests, 200u);
  EXPECT_EQ(r.completed, 200u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_NEAR(r.throughput_rps(), 100.0, 10.0);
  EXPECT_GE(wall, 1.99);  // the last request is due at 1.99 s: the load did not run ahead
  EXPECT_LT(wall, 3.0);
  // Sends left on time: the generator is not the bottleneck.
  EXPECT_LT(r.send_lag.percentile_us(99), 100'000u);
  ASSERT_GE(r.timeline.size(), 2u);
  EXPECT_NEAR(static_cast<double>(r.timeline[0].sent), 100.0, 3.0);
  EXPECT_NEAR(static_cast<double>(r.timeline[1].sent), 100.0, 3.0);
}

TEST(Load, OpenLoopLatencyShowsAServerStall) {
  // One execution slot; a 1.2 s job takes it 0.5 s into the run, so every request scheduled
  // during the stall waits. Measured from the intended send time the stall shows in the tail;
  // measured from the actual send (coordinated omission) only the few requests that were on the
  // wire would show it.
  ServeProcess s({"--max-inflight", "1", "--queue", "1000"});
  LoadOptions o = against(s, "/gpu_job?work_ms=1");
  o.open_loop = true;
  o.duration_s = 3.0;
  o.connections = 4;
  o.schedule = arrival_times(flat_rate(50), 50, o.duration_s, Arrival::Constant, 1);
  std::thread staller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    metrics::HttpClient c("127.0.0.1", s.port_string());
    auto r = c.get("/gpu_job?work_ms=1200");
    EXPECT_TRUE(r.ok() && r->status == 200);
  });
  const LoadSummary r = run_load(o);
  staller.join();
  EXPECT_EQ(r.completed, 150u);
  // About 60 of 150 requests were due during the stall, waiting up to 1.2 s: the slowest tenth
  // waited more than 0.9 s.
  EXPECT_GT(r.latency.percentile_us(90), 500'000u);
  EXPECT_GT(r.latency.max_us(), 900'000u);
  // Service time hides it: only the 4 requests on the wire saw the stall.
  EXPECT_LT(r.service_time.percentile_us(90), 200'000u);
  EXPECT_GT(r.send_lag.percentile_us(90), 300'000u);
}

TEST(Load, ClosedLoopWorkersThinkBetweenRequests) {
  ServeProcess s({});
  LoadOptions o = against(s, "/healthz");
  o.open_loop = false;
  o.workers = 2;
  o.think_ms = 100;
  o.duration_s = 1.0;
  const LoadSummary r = run_load(o);
  // Each worker: a request (a few ms) then 100 ms of thought, for 1 s: about 10 each.
  EXPECT_GE(r.requests, 14u);
  EXPECT_LE(r.requests, 22u);
  EXPECT_EQ(r.completed, r.requests);
}

TEST(Load, ErrorsAndRejectionsAreCountedByKind) {
  ServeProcess s({"--max-inflight", "1", "--queue", "0"});
  LoadOptions o = against(s, "/gpu_job?work_ms=200");
  o.workers = 3;
  o.duration_s = 0.5;
  const LoadSummary r = run_load(o);
  EXPECT_GT(r.failed_by_code.count(503), 0u);
  EXPECT_GT(r.completed, 0u);
  LoadOptions nobody = against(s, "/healthz");
  nobody.port = "1";  // nothing listens there
  nobody.open_loop = false;
  nobody.workers = 2;
  nobody.duration_s = 0.5;
  const LoadSummary e = run_load(nobody);
  EXPECT_GT(e.errors.at("connect"), 0u);
  EXPECT_EQ(e.completed, 0u);
  // A refused worker waits 100 ms before it tries again: about 5 tries each in 0.5 s, where
  // trying again at once made thousands.
  EXPECT_LE(e.errors.at("connect"), 2u * 8u);
}

TEST(LoadCommand, WritesSummaryJsonAndTimeline) {
  ServeProcess s({});
  const auto dir =
      std::filesystem::temp_directory_path() / ("userscale_load_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = std::string(USERSCALE_BINARY) + " load " + s.url() +
                          " --rate 40 --duration 1 --arrival poisson --seed 3 --quiet"
                          " --endpoint-mix sort:0.5,matrix:0.5 --size 1000 --matrix-size 16"
                          " --out " +
                          dir.string();
  std::FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string line;
  char buf[1024];
  while (std::fgets(buf, sizeof buf, p)) line += buf;
  ASSERT_EQ(::pclose(p), 0) << line;
  EXPECT_EQ(line.rfind("open loop: ", 0), 0u) << line;
  std::ifstream in(dir / "summary.json");
  const auto j = nlohmann::json::parse(in);
  const std::size_t scheduled = arrival_times(flat_rate(40), 40, 1.0, Arrival::Poisson, 3).size();
  EXPECT_EQ(j["requests"].get<std::size_t>(), scheduled);
  EXPECT_EQ(j["completed"].get<std::size_t>(), scheduled);
  EXPECT_GT(j["by_endpoint"]["sort"].get<int>(), 0);
  EXPECT_GT(j["by_endpoint"]["matrix"].get<int>(), 0);
  for (const char* key : {"p50", "p90", "p95", "p99", "p999", "max"}) {
    EXPECT_TRUE(j["latency_ms"].contains(key)) << key;
  }
  EXPECT_GT(j["throughput_rps"].get<double>(), 0.0);
  EXPECT_TRUE(j["failed"].is_object());
  EXPECT_TRUE(j["errors"].is_object());
  std::ifstream csv(dir / "timeline.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "second,sent,ok,failed,throughput_rps,latency_mean_ms,latency_max_ms");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace userscale::loadgen
