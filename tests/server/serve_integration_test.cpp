// The real `userscale serve` binary on a loopback port, driven by a real HTTP client.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "metrics/http_client.h"
#include "metrics/prometheus_parser.h"
#include "server/kernels/cuda_kernels.h"
#include "server/serve_process.h"
#include "support/child_process.h"
#include "support/process_cpu.h"
#include "support/scratch_dir.h"

namespace userscale::server {
namespace {

using metrics::HttpClient;
using metrics::HttpResponse;
using nlohmann::json;
using testing::ServeProcess;

HttpResponse must(Result<HttpResponse> r) {
  if (!r.ok()) throw std::runtime_error(r.error().to_string());
  return std::move(r).value();
}

HttpResponse get(const ServeProcess& s, const std::string& target) {
  HttpClient c("127.0.0.1", s.port_string());
  return must(c.get(target));
}

metrics::Exposition scrape(const ServeProcess& s) {
  auto parsed = metrics::parse_prometheus_text(get(s, "/metrics").body);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  return std::move(parsed).value();
}

// Polls /metrics until `name` equals `want` (the server has reached a state), or 10 s pass.
bool wait_metric(const ServeProcess& s, const std::string& name, double want) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (scrape(s).value(name) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Serve, WorkloadsAnswerWithResultsFromTheCpuTwins) {
  ServeProcess s({"--device", "cpu"});
  const json sort = json::parse(get(s, "/sort?size=5000").body);
  EXPECT_EQ(sort["size"], 5000);
  EXPECT_EQ(sort["device"], "cpu");
  EXPECT_LE(sort["min"].get<double>(), sort["median"].get<double>());
  EXPECT_LE(sort["median"].get<double>(), sort["max"].get<double>());
  EXPECT_GE(sort["min"].get<double>(), -1.0);
  const json mat = json::parse(get(s, "/matrix?size=32").body);
  EXPECT_EQ(mat["workload"], "matrix");
  EXPECT_EQ(mat["size"], 32);
  const json conv = json::parse(get(s, "/convolve?size=64").body);
  // A normalized blur of uniform [0, 1) noise keeps the mean near 0.5 (less at the borders).
  EXPECT_GT(conv["mean"].get<double>(), 0.4);
  EXPECT_LT(conv["mean"].get<double>(), 0.55);
  const auto t0 = std::chrono::steady_clock::now();
  const json job = json::parse(get(s, "/gpu_job?work_ms=50").body);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
  EXPECT_EQ(job["work_ms"], 50);
}

TEST(Serve, StreamIsChunkedAndLastsItsDuration) {
  ServeProcess s({});
  HttpClient c("127.0.0.1", s.port_string());
  const auto t0 = std::chrono::steady_clock::now();
  const HttpResponse r = must(c.get("/stream?duration_ms=350"));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(350));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  // One line at 0, 100, 200, 300 ms and one at the end.
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 5);
  // The connection stays usable after a chunked response.
  EXPECT_EQ(must(c.get("/healthz")).status, 200);
}

TEST(Serve, InferClassifiesAPostedImage) {
  ServeProcess s({"--max-body-bytes", "4096"});
  HttpClient c("127.0.0.1", s.port_string());
  std::string pgm = "P5\n8 8\n255\n" + std::string(64, '\x20');
  const HttpResponse r = must(c.request("POST", "/infer", pgm, "image/x-portable-graymap"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  double total = 0.0;
  for (double p : j["probabilities"]) total += p;
  EXPECT_NEAR(total, 1.0, 1e-4);
  EXPECT_EQ(j["width"], 8);
  // The same image gets the same answer (deterministic weights).
  EXPECT_EQ(json::parse(must(c.request("POST", "/infer", pgm)).body)["class"], j["class"]);
}

TEST(Serve, BadRequestsGetTheDocumentedCodes) {
  ServeProcess s({"--max-body-bytes", "4096"});
  HttpClient c("127.0.0.1", s.port_string());
  const HttpResponse bad = must(c.get("/sort?size=abc"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"], "size: \"abc\" is not an integer");
  EXPECT_EQ(must(c.get("/matrix?size=0")).status, 400);
  EXPECT_EQ(must(c.get("/matrix?size=100000")).status, 400);
  EXPECT_EQ(must(c.get("/gpu_job?work_ms=-1")).status, 400);
  EXPECT_EQ(must(c.get("/stream?duration_ms=x")).status, 400);
  EXPECT_EQ(must(c.get("/no/such/path")).status, 404);
  const HttpResponse wrong_method = must(c.get("/infer"));
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("allow"), "POST");
  EXPECT_EQ(must(c.request("POST", "/infer", "not an image")).status, 400);
  HttpClient big("127.0.0.1", s.port_string());
  EXPECT_EQ(must(big.request("POST", "/infer", std::string(100'000, 'x'))).status, 413);
  // The server is still fine afterwards.
  EXPECT_EQ(must(c.get("/healthz")).status, 200);
  const auto m = scrape(s);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "infer"}, {"code", "413"}}), 1.0);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "unknown"}, {"code", "404"}}), 1.0);
}

TEST(Serve, OverloadQueuesThenAnswers503WithRetryAfter) {
  ServeProcess s({"--max-inflight", "1", "--queue", "1"});
  auto first = std::async(std::launch::async, [&] { return get(s, "/gpu_job?work_ms=700"); });
  ASSERT_TRUE(wait_metric(s, "userscale_requests_in_flight", 1));
  auto second = std::async(std::launch::async, [&] { return get(s, "/gpu_job?work_ms=100"); });
  ASSERT_TRUE(wait_metric(s, "userscale_request_queue_length", 1));
  const HttpResponse third = get(s, "/gpu_job?work_ms=100");
  EXPECT_EQ(third.status, 503);
  EXPECT_EQ(third.header("retry-after"), "1");
  // Health and metrics never queue behind the work.
  EXPECT_EQ(get(s, "/healthz").status, 200);
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(second.get().status, 200);
  const auto m = scrape(s);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "gpu_job"}, {"code", "503"}}), 1.0);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "gpu_job"}, {"code", "200"}}), 2.0);
  // The queued request waited for the first: its latency includes the queueing.
  EXPECT_GT(*m.value("userscale_request_duration_seconds_sum", {{"endpoint", "gpu_job"}}), 0.7);
}

TEST(Serve, ReadyOnlyAfterWarmUp) {
  ServeProcess s({"--warmup-ms", "1200"});
  const HttpResponse early = get(s, "/readyz");
  EXPECT_EQ(early.status, 503);
  EXPECT_EQ(json::parse(early.body)["reason"], "warming up");
  EXPECT_EQ(get(s, "/healthz").status, 200);
  EXPECT_TRUE(wait_metric(s, "userscale_ready", 1));
  EXPECT_EQ(get(s, "/readyz").status, 200);
}

TEST(Serve, SigtermDrainsInFlightRequestsThenExitsZero) {
  // The CPU twin's job lasts exactly its time; on a GPU it is an amount of work (serve.md).
  ServeProcess s({"--max-inflight", "2", "--device", "cpu"});
  ASSERT_TRUE(wait_metric(s, "userscale_ready", 1));
  const auto t0 = std::chrono::steady_clock::now();
  auto slow = std::async(std::launch::async, [&] { return get(s, "/gpu_job?work_ms=1000"); });
  ASSERT_TRUE(wait_metric(s, "userscale_requests_in_flight", 1));
  s.signal(SIGTERM);
  // Not ready while draining; new work refused; the running request still finishes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  HttpResponse ready;
  do {
    ready = get(s, "/readyz");
  } while (ready.status == 200 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(json::parse(ready.body)["reason"], "draining");
  const HttpResponse refused = get(s, "/sort?size=10");
  EXPECT_EQ(refused.status, 503);
  EXPECT_TRUE(refused.header("retry-after").has_value());
  const HttpResponse done = slow.get();
  EXPECT_EQ(done.status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  EXPECT_EQ(s.wait_exit(std::chrono::seconds(10)), 0);
}

TEST(Serve, MetricsParseAndCountRequests) {
  ServeProcess s({"--device", "cpu"});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(s, "/sort?size=100").status, 200);
  EXPECT_EQ(get(s, "/sort?size=-5").status, 400);
  const std::string text = get(s, "/metrics").body;
  auto parsed = metrics::parse_prometheus_text(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  const auto& m = *parsed;
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "sort"}, {"code", "200"}}), 3.0);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "sort"}, {"code", "400"}}), 1.0);
  EXPECT_EQ(m.value("userscale_request_duration_seconds_count", {{"endpoint", "sort"}}), 4.0);
  const auto buckets = m.find("userscale_request_duration_seconds_bucket", {{"endpoint", "sort"}});
  ASSERT_GE(buckets.size(), 2u);
  for (std::size_t i = 1; i < buckets.size(); ++i)
    EXPECT_GE(buckets[i]->value, buckets[i - 1]->value);
  EXPECT_EQ(buckets.back()->label("le"), "+Inf");
  EXPECT_EQ(buckets.back()->value, 4.0);
  EXPECT_EQ(m.value("userscale_requests_in_flight"), 0.0);
  EXPECT_EQ(m.value("userscale_request_queue_length"), 0.0);
  EXPECT_EQ(m.value("userscale_device_info", {{"device", "cpu"}}), 1.0);
  EXPECT_GT(*m.value("process_cpu_seconds_total"), 0.0);
  EXPECT_EQ(m.family("userscale_request_duration_seconds")->type, "histogram");
  const double nvml = *m.value("userscale_nvml_available");
  if (nvml == 1.0) {
    // With a driver every GPU series names its GPU, so that a scaler can group replicas by GPU.
    const auto util = m.find("userscale_gpu_utilization_ratio");
    ASSERT_FALSE(util.empty());
    for (const auto* u : util) EXPECT_FALSE(u->label("gpu_uuid").value_or("").empty());
  } else {
    EXPECT_TRUE(m.find("userscale_gpu_utilization_ratio").empty());
  }
  // At least the scrape's own; earlier connections may still be closing.
  EXPECT_GE(*m.value("userscale_connections_open"), 1.0);
  EXPECT_EQ(m.value("userscale_max_connections"), 1024.0);
  // promtool (Debian `prometheus`, installed by scripts/setup) is the reference linter.
  bool linted = false;
  for (const char* promtool : {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
    if (!std::filesystem::exists(promtool)) continue;
    linted = true;
    const auto path = std::filesystem::temp_directory_path() /
                      ("userscale_metrics_" + std::to_string(::getpid()) + ".txt");
    {
      std::FILE* f = std::fopen(path.c_str(), "w");
      ASSERT_NE(f, nullptr);
      std::fwrite(text.data(), 1, text.size(), f);
      std::fclose(f);
    }
    const std::string cmd = std::string(promtool) + " check metrics < " + path.string() + " 2>&1";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) output += buf;
    EXPECT_EQ(::pclose(p), 0) << output;
    EXPECT_EQ(output, "") << "promtool has remarks";
    std::filesystem::remove(path);
    break;
  }
  EXPECT_TRUE(linted) << "promtool not found: bash scripts/setup installs Debian's prometheus";
}

TEST(Serve, KeepAliveServesManyRequestsOnOneConnection) {
  ServeProcess s({});
  HttpClient c("127.0.0.1", s.port_string());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(must(c.get("/healthz")).status, 200);
  EXPECT_TRUE(c.connected());
  const auto m = scrape(s);
  EXPECT_EQ(m.value("userscale_requests_total", {{"endpoint", "healthz"}, {"code", "200"}}), 50.0);
}

TEST(Serve, DeviceCudaWithoutAGpuIsAStartupErrorAndAutoSaysCpu) {
  std::string why;
  if (kernels::cuda_device_count(why) > 0) {
    // With a GPU, auto picks it and says so in /metrics.
    ServeProcess s({"--device", "auto"});
    EXPECT_EQ(scrape(s).value("userscale_device_info", {{"device", "cuda"}}), 1.0);
    return;
  }
  userscale::testing::ScratchDir dir("userscale-serve-device");
  const int code =
      userscale::testing::run_to_end({USERSCALE_BINARY, "serve", "--port", "0", "--device", "cuda"},
                                     dir.file("out"), dir.file("err"), std::chrono::seconds(30));
  EXPECT_EQ(code, 2);
  std::ifstream err(dir.file("err"));
  const std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--device: cuda requested but"), std::string::npos) << text;
  // auto falls back to the CPU twins and says which device in the log and in /metrics.
  ServeProcess s({"--device", "auto"});
  const auto m = scrape(s);
  EXPECT_EQ(m.value("userscale_device_info", {{"device", "cpu"}}), 1.0);
  EXPECT_TRUE(m.find("userscale_device_info", {{"device", "cuda"}}).empty());
}

TEST(Serve, AtMaxConnectionsNewConnectionsWaitUntilOneCloses) {
  ServeProcess s({"--max-connections", "2"});
  HttpClient first("127.0.0.1", s.port_string());
  HttpClient second("127.0.0.1", s.port_string());
  ASSERT_EQ(must(first.get("/healthz")).status, 200);
  ASSERT_EQ(must(second.get("/healthz")).status, 200);
  // A third connection gets through the kernel's backlog but is not served while two are open.
  HttpClient third("127.0.0.1", s.port_string(), std::chrono::milliseconds(500));
  EXPECT_FALSE(third.get("/healthz").ok());
  const auto m = metrics::parse_prometheus_text(must(second.get("/metrics")).body);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->value("userscale_max_connections"), 2.0);
  EXPECT_EQ(m->value("userscale_connections_open"), 2.0);
  // Once one closes, the next waiting connection is served.
  first.close();
  HttpClient fourth("127.0.0.1", s.port_string());
  EXPECT_EQ(must(fourth.get("/healthz")).status, 200);
  EXPECT_EQ(must(second.get("/healthz")).status, 200);
}

TEST(Serve, OutOfFileDescriptorsItWaitsInsteadOfSpinningAndThenRecovers) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' runtime opens a pipe to check memory it reports on; with no descriptor left
  // that check fails and UBSan takes every virtual call for a bad one. The release preset runs it.
  GTEST_SKIP() << "needs a build without sanitizers (their runtime needs file descriptors)";
#endif
  // 64 descriptors: serve's own, then connections until accept fails with EMFILE while the rest
  // wait in the kernel's backlog. Asking again at once would fail the same way, a core's worth of
  // CPU for nothing; serve waits between tries.
  ServeProcess s({}, "", 64);
  std::vector<int> held;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(s.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < 90; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0) << i;
    held.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // it has run out by now
  const double before = userscale::testing::process_cpu_seconds(s.pid());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double used = userscale::testing::process_cpu_seconds(s.pid()) - before;
  ASSERT_GE(before, 0);
  EXPECT_LT(used, 0.3) << "serve used " << used << " s of CPU in 1 s with no descriptor to spare";
  for (int fd : held) ::close(fd);
  // Descriptors free again: it serves.
  HttpClient client("127.0.0.1", s.port_string(), std::chrono::seconds(5));
  EXPECT_EQ(must(client.get("/healthz")).status, 200);
}

}  // namespace
}  // namespace userscale::server
