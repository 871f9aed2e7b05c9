// Fault matrix, "the load generator's server dying mid-run" (docs/fault-matrix.md): the real
// `userscale load` process, open and closed loop, against a real `userscale serve` that is
// SIGKILLed mid-run, once it has answered a few requests. The load must finish on time, exit 0 (the
// server did answer before it died), print its summary line and count what failed by kind, not
// crash or hang.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "metrics/http_client.h"
#include "metrics/prometheus_parser.h"
#include "server/serve_process.h"
#include "support/child_process.h"
#include "support/scratch_dir.h"

namespace userscale::loadgen {
namespace {

using namespace std::chrono_literals;
using userscale::testing::ChildProcess;
using userscale::testing::ScratchDir;
using userscale::testing::ServeProcess;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Stream requests the server has answered (0 when it cannot be read).
double answered(const ServeProcess& serve) {
  metrics::HttpClient c("127.0.0.1", serve.port_string(), 5s);
  auto r = c.get("/metrics");
  if (!r.ok()) return 0;
  auto m = metrics::parse_prometheus_text(r->body);
  if (!m.ok()) return 0;
  double n = 0;
  for (const auto* s : m->find("userscale_requests_total", {{"endpoint", "stream"}})) n += s->value;
  return n;
}

// Runs `userscale load URL ARGS` for 8 s and kills the server once it has answered some of
// them; returns the summary JSON.
nlohmann::json load_through_server_death(const std::vector<std::string>& args,
                                         std::string& stdout_text) {
  ScratchDir dir("us-loadkill");
  ServeProcess serve({"--max-inflight", "4", "--queue", "64"});
  std::vector<std::string> argv = {USERSCALE_BINARY,
                                   "load",
                                   serve.url() + "/stream?duration_ms=100",
                                   "--duration",
                                   "8",
                                   "--json",
                                   dir.file("summary.json")};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess load(argv, dir.file("load.out"), dir.file("load.err"));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (answered(serve) < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  serve.signal(SIGKILL);
  EXPECT_TRUE(serve.wait_exit(10s).has_value());
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = load.wait(60s);
  EXPECT_EQ(rc, 0) << read_file(dir.file("load.err"));
  // It ends at its duration (plus a request timeout at most), not hung on a dead socket.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 40s);
  stdout_text = read_file(dir.file("load.out"));
  try {
    return nlohmann::json::parse(read_file(dir.file("summary.json")));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "no summary JSON: " << e.what() << "\n" << read_file(dir.file("load.err"));
    return nlohmann::json::object();
  }
}

void expect_failures_by_kind(const nlohmann::json& j, const std::string& out) {
  ASSERT_TRUE(j.contains("errors")) << j.dump();
  EXPECT_GT(j["completed"].get<long>(), 0) << j.dump();
  long errors = 0;
  for (const auto& [kind, n] : j["errors"].items()) {
    EXPECT_TRUE(kind == "connect" || kind == "closed" || kind == "io" || kind == "timeout") << kind;
    errors += n.get<long>();
  }
  // After the kill every new connection is refused: "connect" is there, by name.
  EXPECT_TRUE(j["errors"].contains("connect")) << j.dump();
  EXPECT_GT(errors, 0);
  EXPECT_EQ(
      j["requests"].get<long>(), j["completed"].get<long>() + errors +
                                     [&] {
                                       long f = 0;
                                       for (const auto& [code, n] : j["failed"].items())
                                         f += n.get<long>();
                                       return f;
                                     }())
      << j.dump();
  EXPECT_NE(out.find("loop: "), std::string::npos) << out;
  EXPECT_NE(out.find(" errors in "), std::string::npos) << out;
}

TEST(FaultMatrixLoad, OpenLoopSurvivesItsServerDyingAndCountsErrorsByKind) {
  std::string out;
  const auto j = load_through_server_death({"--rate", "40", "--connections", "8", "--quiet"}, out);
  expect_failures_by_kind(j, out);
  EXPECT_EQ(j["mode"], "open");
}

TEST(FaultMatrixLoad, ClosedLoopSurvivesItsServerDyingAndCountsErrorsByKind) {
  std::string out;
  const auto j = load_through_server_death({"--workers", "4", "--quiet"}, out);
  expect_failures_by_kind(j, out);
  EXPECT_EQ(j["mode"], "closed");
}

}  // namespace
}  // namespace userscale::loadgen
