// Fault matrix, "the GPU disappearing under serve (NVML errors)" (docs/fault-matrix.md): the
// real `userscale serve` loads a fake libnvidia-ml (tests/server/fake_nvml.cpp, through
// USERSCALE_NVML_LIBRARY) whose GPU answers, then returns NVML_ERROR_GPU_IS_LOST, then answers
// again. Serve must keep serving, say on /metrics that NVML fails (available 0, an error
// counter) without presenting old or zero GPU numbers as fresh, log it once, and recover.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "metrics/http_client.h"
#include "metrics/prometheus_parser.h"
#include "server/serve_process.h"
#include "support/scratch_dir.h"

namespace userscale::server {
namespace {

using testing::ScratchDir;
using testing::ServeProcess;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

metrics::Exposition scrape(const ServeProcess& s) {
  metrics::HttpClient c("127.0.0.1", s.port_string(), std::chrono::seconds(10));
  auto r = c.get("/metrics");
  if (!r.ok()) throw std::runtime_error(r.error().to_string());
  auto parsed = metrics::parse_prometheus_text(r->body);
  if (!parsed.ok()) throw std::runtime_error(parsed.error().to_string());
  return std::move(parsed).value();
}

int get_status(const ServeProcess& s, const std::string& target) {
  metrics::HttpClient c("127.0.0.1", s.port_string(), std::chrono::seconds(30));
  auto r = c.get(target);
  return r.ok() ? r->status : -1;
}

TEST(FaultMatrixNvml, LostGpuIsReportedNotHiddenAndServeKeepsServing) {
  ScratchDir dir("us-nvml");
  const std::string state = dir.file("nvml-state");
  std::ofstream(state) << "ok\n";
  ::setenv("USERSCALE_NVML_LIBRARY", FAKE_NVML_LIBRARY, 1);
  ::setenv("FAKE_NVML_STATE", state.c_str(), 1);
  ServeProcess serve({"--device", "cpu"}, dir.file("serve.log"));
  ::unsetenv("USERSCALE_NVML_LIBRARY");
  ::unsetenv("FAKE_NVML_STATE");

  // The GPU answers: its numbers are exported.
  auto m = scrape(serve);
  EXPECT_EQ(m.value("userscale_nvml_available"), 1.0);
  EXPECT_EQ(m.value("userscale_nvml_errors_total"), 0.0);
  ASSERT_EQ(m.find("userscale_gpu_utilization_ratio").size(), 1u);
  EXPECT_DOUBLE_EQ(m.find("userscale_gpu_utilization_ratio")[0]->value, 0.42);

  // The GPU falls off the bus.
  std::ofstream(state) << "lost\n";
  EXPECT_EQ(get_status(serve, "/sort?size=1000"), 200);
  m = scrape(serve);
  EXPECT_EQ(get_status(serve, "/matrix?size=16"), 200);
  m = scrape(serve);
  EXPECT_EQ(m.value("userscale_nvml_available"), 0.0);
  EXPECT_EQ(m.value("userscale_nvml_errors_total"), 2.0);
  // No GPU gauges at all rather than stale or zero ones that read as an idle card.
  EXPECT_TRUE(m.find("userscale_gpu_utilization_ratio").empty());
  EXPECT_TRUE(m.find("userscale_gpu_memory_used_bytes").empty());
  const std::string log = read_file(dir.file("serve.log"));
  // Named once per episode, not on every scrape; the reason is the driver's own.
  EXPECT_EQ(log.find("GPU is lost"), log.rfind("GPU is lost")) << log;
  EXPECT_NE(log.find("NVML sample failed (nvmlDeviceGetUtilizationRates(GPU 0): GPU is lost)"),
            std::string::npos)
      << log;

  // The GPU is back (a driver reset): numbers return, the counter keeps its history.
  std::ofstream(state) << "ok\n";
  m = scrape(serve);
  EXPECT_EQ(m.value("userscale_nvml_available"), 1.0);
  EXPECT_EQ(m.value("userscale_nvml_errors_total"), 2.0);
  EXPECT_EQ(m.find("userscale_gpu_utilization_ratio").size(), 1u);
  EXPECT_NE(read_file(dir.file("serve.log")).find("NVML answers again"), std::string::npos);

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
}

}  // namespace
}  // namespace userscale::server
