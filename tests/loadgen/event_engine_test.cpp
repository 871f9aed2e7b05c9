// The event-driven load engine over real loopback sockets: many connections on few threads,
// a server that closes kept-alive connections or cuts answers off, chunked answers, a server
// that stalls (the open loop must show it) and one that never answers (timeouts by kind).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "loadgen/arrivals.h"
#include "loadgen/load_runner.h"
#include "loadgen/request_bytes.h"
#include "scripted_http_server.h"
#include "server/serve_process.h"
#include "support/silent_server.h"

namespace userscale::loadgen {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedBehaviour;
using testing::ScriptedHttpServer;

LoadOptions against(const std::string& port, const std::string& target = "/x") {
  LoadOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.mix = EndpointMix::single(RequestSpec{target, "GET", target, "", "", 1.0});
  return o;
}

int threads_now() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

std::uint64_t errors_total(const LoadSummary& r) {
  std::uint64_t n = 0;
  for (const auto& [kind, count] : r.errors) n += count;
  return n;
}

TEST(LoadEngine, ManyConnectionsRunOnFewThreads) {
  ScriptedHttpServer server({});
  LoadOptions o = against(server.port());
  o.workers = 200;
  o.io_threads = 2;
  o.duration_s = 1.5;
  const int before = threads_now();
  std::atomic<int> most{0};
  const LoadSummary r =
      run_load(o, [&](const Progress&) { most = std::max(most.load(), threads_now()); });
  EXPECT_EQ(r.io_threads, 2);
  // All 200 workers held a connection at once...
  EXPECT_EQ(server.max_open(), 200);
  EXPECT_EQ(server.accepted(), 200);
  // ...on two I/O threads and the progress monitor, not a thread each.
  EXPECT_GT(most.load(), 0);
  EXPECT_LE(most.load(), before + 3);
  EXPECT_GT(r.completed, 1000u);
  EXPECT_EQ(r.completed, r.requests);
  EXPECT_TRUE(r.errors.empty());
}

TEST(LoadEngine, KeptAliveConnectionsTheServerClosesAreReopenedWithoutErrors) {
  // Every third answer ends its connection without a word (as an idle timeout or nginx's
  // keepalive_requests do): the next request on it meets the close and is sent again.
  ScriptedHttpServer server({.answers_per_connection = 3});
  LoadOptions o = against(server.port());
  o.workers = 8;
  o.io_threads = 2;
  o.duration_s = 1.0;
  const LoadSummary r = run_load(o);
  EXPECT_GT(r.completed, 100u);
  EXPECT_EQ(r.completed, r.requests);
  EXPECT_TRUE(r.errors.empty()) << r.errors.begin()->first;
  // One connection per three answers (and the ones open at the end).
  EXPECT_GE(server.accepted(), static_cast<int>(r.completed / 3));
}

TEST(LoadEngine, AnswersCutOffMidBodyAreClosedErrorsAndNotRetried) {
  ScriptedHttpServer server({.cut_every = 5});
  LoadOptions o = against(server.port());
  o.workers = 4;
  o.io_threads = 1;
  o.duration_s = 1.0;
  const LoadSummary r = run_load(o);
  ASSERT_GT(server.cut(), 10);
  // Each cut answer is one "closed" error, and no request went twice.
  EXPECT_EQ(errors_total(r), r.errors.count("closed") ? r.errors.at("closed") : 0u);
  EXPECT_EQ(r.errors.at("closed"), static_cast<std::uint64_t>(server.cut()));
  EXPECT_EQ(r.requests, r.completed + r.errors.at("closed"));
  EXPECT_EQ(static_cast<std::uint64_t>(server.answered()), r.requests);
}

TEST(LoadEngine, ChunkedAnswersInPieces) {
  ScriptedHttpServer server({.chunked = true});
  LoadOptions o = against(server.port());
  o.workers = 3;
  o.io_threads = 1;
  o.duration_s = 0.5;
  const LoadSummary r = run_load(o);
  EXPECT_GT(r.completed, 5u);
  EXPECT_EQ(r.completed, r.requests);
  EXPECT_TRUE(r.errors.empty());
  // Kept alive through chunked answers: one connection per worker.
  EXPECT_EQ(server.accepted(), 3);
}

TEST(LoadEngine, ServeStreamsAreChunkedAndTimed) {
  // `userscale serve`'s /stream: a chunk every 100 ms for 300 ms, chunked.
  testing::ServeProcess serve({});
  LoadOptions o = against(serve.port_string(), "/stream?duration_ms=300");
  o.workers = 4;
  o.io_threads = 2;
  o.duration_s = 1.0;
  const LoadSummary r = run_load(o);
  EXPECT_GE(r.completed, 8u);
  EXPECT_EQ(r.completed, r.requests);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_GE(r.latency.percentile_us(50), 280'000u);  // the whole stream, not its head
  EXPECT_LT(r.latency.percentile_us(50), 600'000u);
}

TEST(LoadEngine, OpenLoopOnOneThreadShowsAStallOfTheServer) {
  // 64 connections on one I/O thread, 100 requests/s; the server answers nothing for 1 s from
  // 0.5 s on. The ~100 requests due during the stall wait (64 on the wire, the rest for a
  // connection); measured from their intended send times the stall shows.
  ScriptedHttpServer server({});
  LoadOptions o = against(server.port());
  o.open_loop = true;
  o.duration_s = 2.5;
  o.connections = 64;
  o.io_threads = 1;
  o.schedule = arrival_times(flat_rate(100), 100, o.duration_s, Arrival::Constant, 1);
  std::thread staller([&] {
    std::this_thread::sleep_for(500ms);
    server.stall_for(1000ms);
  });
  const LoadSummary r = run_load(o);
  staller.join();
  EXPECT_EQ(r.completed, 250u);
  EXPECT_GT(r.latency.max_us(), 900'000u);
  EXPECT_GT(r.latency.percentile_us(90), 300'000u);
  EXPECT_LT(r.latency.percentile_us(50), 200'000u);  // the others were answered at once
  // The requests that found no free connection left late; the send lag says how late.
  EXPECT_GT(r.send_lag.max_us(), 200'000u);
}

TEST(LoadEngine, ASilentServerTimesOutByKind) {
  testing::SilentServer silent;
  LoadOptions o = against(std::to_string(silent.port()));
  o.workers = 4;
  o.io_threads = 2;
  o.duration_s = 0.5;
  o.timeout = 200ms;
  const auto t0 = std::chrono::steady_clock::now();
  const LoadSummary r = run_load(o);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.completed, 0u);
  EXPECT_GE(r.errors.at("timeout"), 4u);
  EXPECT_EQ(errors_total(r), r.errors.at("timeout"));
  EXPECT_EQ(r.requests, r.errors.at("timeout"));
  // Ends at its duration plus one time limit (and the sweep's slack), not later.
  EXPECT_LT(took, 1500ms);
}

TEST(LoadEngine, RequestBytesCarryHostAndBody) {
  EXPECT_EQ(request_bytes(RequestSpec{"h", "GET", "/healthz", "", "", 1.0}, "127.0.0.1:80"),
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:80\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(request_bytes(RequestSpec{"i", "POST", "/infer", "P5", "image/x-pgm", 1.0}, "h"),
            "POST /infer HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nContent-Type: "
            "image/x-pgm\r\nContent-Length: 2\r\n\r\nP5");
}

}  // namespace
}  // namespace userscale::loadgen
