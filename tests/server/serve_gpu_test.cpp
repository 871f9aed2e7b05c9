// `userscale serve --device cuda` against `--device cpu` on the same requests: every workload's
// answer from the GPU agrees with its CPU twin's, end to end through HTTP, and /metrics names
// the GPU by UUID. Runs where a CUDA device is present (bench/RESULTS.md records such runs);
// without one it skips, and the CPU side is covered by serve_integration_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <nlohmann/json.hpp>
#include <string>

#include "metrics/http_client.h"
#include "metrics/prometheus_parser.h"
#include "server/kernels/cuda_kernels.h"
#include "server/serve_process.h"

namespace userscale::server {
namespace {

using metrics::HttpClient;
using nlohmann::json;
using testing::ServeProcess;

json ask(HttpClient& c, const std::string& method, const std::string& target,
         const std::string& body = "") {
  auto r = c.request(method, target, body, body.empty() ? "" : "image/x-portable-graymap");
  if (!r.ok()) throw std::runtime_error(r.error().to_string());
  if (r->status != 200) throw std::runtime_error(target + ": " + std::to_string(r->status));
  return json::parse(r->body);
}

void expect_relatively_close(double got, double want, double tol, const std::string& what) {
  EXPECT_NEAR(got, want, tol * std::max(1.0, std::fabs(want))) << what;
}

TEST(ServeOnGpu, EveryWorkloadAgreesWithTheCpuTwinsOverHttp) {
  std::string why;
  if (kernels::cuda_device_count(why) == 0) GTEST_SKIP() << why;
  ServeProcess gpu({"--device", "cuda"});
  ServeProcess cpu({"--device", "cpu"});
  HttpClient g("127.0.0.1", gpu.port_string());
  HttpClient c("127.0.0.1", cpu.port_string());

  const json gs = ask(g, "GET", "/sort?size=100000"), cs = ask(c, "GET", "/sort?size=100000");
  EXPECT_EQ(gs["device"], "cuda");
  EXPECT_EQ(cs["device"], "cpu");
  // Sorting is exact: the same keys land in the same places.
  for (const char* k : {"min", "median", "max"}) EXPECT_EQ(gs[k], cs[k]) << k;

  const json gm = ask(g, "GET", "/matrix?size=256"), cm = ask(c, "GET", "/matrix?size=256");
  EXPECT_EQ(gm["device"], "cuda");
  expect_relatively_close(gm["trace"], cm["trace"], 1e-3, "matrix trace");

  const json gc = ask(g, "GET", "/convolve?size=512"), cc = ask(c, "GET", "/convolve?size=512");
  EXPECT_EQ(gc["device"], "cuda");
  expect_relatively_close(gc["mean"], cc["mean"], 1e-5, "convolve mean");

  std::string pgm = "P5\n16 16\n255\n";
  for (int i = 0; i < 256; ++i) pgm.push_back(static_cast<char>((i * 37) % 256));
  const json gi = ask(g, "POST", "/infer", pgm), ci = ask(c, "POST", "/infer", pgm);
  EXPECT_EQ(gi["device"], "cuda");
  EXPECT_EQ(gi["class"], ci["class"]);
  ASSERT_EQ(gi["probabilities"].size(), ci["probabilities"].size());
  for (std::size_t k = 0; k < ci["probabilities"].size(); ++k) {
    EXPECT_NEAR(gi["probabilities"][k].get<double>(), ci["probabilities"][k].get<double>(), 1e-4);
  }

  const json gj = ask(g, "GET", "/gpu_job?work_ms=30");
  EXPECT_EQ(gj["device"], "cuda");
  EXPECT_GE(gj["compute_ms"].get<double>(), 29.0);

  // NVML names the GPU the replica runs on, which is what lets a scaler group replicas by GPU.
  auto text = g.get("/metrics");
  ASSERT_TRUE(text.ok());
  auto m = metrics::parse_prometheus_text(text->body);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EXPECT_EQ(m->value("userscale_device_info", {{"device", "cuda"}}), 1.0);
  if (m->value("userscale_nvml_available") == 1.0) {
    const auto mem = m->find("userscale_gpu_memory_used_bytes");
    ASSERT_FALSE(mem.empty());
    EXPECT_EQ(mem.front()->label("gpu_uuid").value_or("").rfind("GPU-", 0), 0u);
    EXPECT_GT(mem.front()->value, 0.0);
  }
}

// Two replicas on one GPU time-slice it: a job that takes T alone takes longer when the other
// replica runs one at the same time, because /gpu_job is an amount of GPU work, not a timer.
TEST(ServeOnGpu, TwoReplicasOnOneGpuShareItsTime) {
  std::string why;
  if (kernels::cuda_device_count(why) == 0) GTEST_SKIP() << why;
  ServeProcess a({"--device", "cuda"});
  ServeProcess b({"--device", "cuda"});
  const auto job_ms = [](const ServeProcess& s) {
    HttpClient c("127.0.0.1", s.port_string());
    return ask(c, "GET", "/gpu_job?work_ms=300")["compute_ms"].get<double>();
  };
  job_ms(a);  // brings the GPU's clocks up from idle
  const double alone = job_ms(a);
  auto other = std::async(std::launch::async, [&] { return job_ms(b); });
  const double shared = job_ms(a);
  const double other_shared = other.get();
  EXPECT_GT(alone, 250.0);
  EXPECT_GT(std::max(shared, other_shared), 1.4 * alone)
      << "alone " << alone << " ms, together " << shared << " and " << other_shared << " ms";
}

}  // namespace
}  // namespace userscale::server
