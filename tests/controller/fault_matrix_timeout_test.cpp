// Fault matrix, "a metric source timing out" (docs/fault-matrix.md): a real loopback server
// that accepts and never answers, read through the real scrape source and the real Prometheus
// source (PromQL client). Each attempt ends at the source timeout, the controller holds
// (never scales down), counts the errors, logs the timeout, and recovers when answers return.
#include <gtest/gtest.h>

#include <chrono>

#include "config/gpu_autoscaler.h"
#include "controller/controller.h"
#include "controller/prometheus_source.h"
#include "controller/scrape_source.h"
#include "core/policies/registry.h"
#include "fakes.h"
#include "support/silent_server.h"

namespace userscale::controller {
namespace {

using namespace std::chrono_literals;
using testing::FakeActuator;
using userscale::testing::SilentServer;

constexpr const char* kConfig = testing::kInflightConfig;

constexpr auto kTimeout = 300ms;
constexpr int kAttempts = 2;

struct TimeoutLoop {
  explicit TimeoutLoop(MetricSource& source) : actuator(3) {
    ControllerOptions o;
    o.source_attempts = kAttempts;
    o.source_timeout = kTimeout;
    o.retry_backoff = 0.1;
    ctl = std::make_unique<Controller>(clock, log, o);
    ctl->add_target(testing::target_from(kConfig, source, actuator));
    actuator.calls.clear();
  }
  // One tick; returns its wall time.
  std::chrono::milliseconds tick() {
    const auto t0 = std::chrono::steady_clock::now();
    ctl->tick_due();
    clock.advance(5);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t0);
  }
  ManualClock clock;
  DecisionLog log;
  FakeActuator actuator;
  std::unique_ptr<Controller> ctl;
};

// What the held tick must show: no scale call, the record and the metrics name the timeout.
void expect_held_on_timeout(TimeoutLoop& l, const std::string& source_name,
                            std::chrono::milliseconds took) {
  EXPECT_TRUE(l.actuator.calls.empty());
  EXPECT_EQ(l.actuator.desired, 3);
  // Each attempt ends at its timeout: bounded by attempts x (timeout per call), with slack
  // for a loaded machine, and far from a hang.
  EXPECT_LT(took, 20s);
  const auto records = l.log.after(0, 10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].record["kind"], "source_error");
  EXPECT_NE(records[0].line.find("HOLD 3: source " + source_name + " failed"), std::string::npos)
      << records[0].line;
  EXPECT_NE(records[0].line.find("timeout"), std::string::npos) << records[0].line;
  EXPECT_EQ(l.ctl->metrics().source_errors("default/gpu-service"),
            static_cast<std::uint64_t>(kAttempts));
  EXPECT_NE(l.ctl->metrics_text().find("reason=\"source_error\"} 1"), std::string::npos);
}

TEST(FaultMatrixTimeout, ScrapeOfAReplicaThatNeverAnswersHoldsThenRecovers) {
  SilentServer hung;
  ScrapeSource source;
  TimeoutLoop l(source);
  l.actuator.address = hung.address();
  const auto took = l.tick();
  EXPECT_GE(hung.accepted(), kAttempts);  // it did connect: the reads timed out
  expect_held_on_timeout(l, "scrape", took);
  // The replicas answer again (idle): the count comes down to the minimum.
  hung.answer_with("userscale_requests_in_flight 0\nuserscale_request_queue_length 0\n");
  l.tick();
  EXPECT_EQ(l.actuator.desired, 1) << l.log.after(0, 10).back().line;
}

TEST(FaultMatrixTimeout, PrometheusThatNeverAnswersHoldsWithinTheTimeout) {
  SilentServer hung;
  PrometheusSourceOptions o;
  o.port = std::to_string(hung.port());
  PrometheusSource source(o);
  TimeoutLoop l(source);
  const auto took = l.tick();
  EXPECT_GE(hung.accepted(), kAttempts);
  expect_held_on_timeout(l, "prometheus", took);
  // Answers again, with no series: the source works, the pods have no samples, and the
  // controller still holds (stale), never down. Recovery to a real Prometheus's numbers is
  // LocalWorld.PrometheusUnreachableHoldsReportsAndRecovers (a SIGSTOPped Prometheus).
  hung.answer_with(R"({"status":"success","data":{"resultType":"vector","result":[]}})",
                   "application/json");
  l.tick();
  EXPECT_TRUE(l.actuator.calls.empty());
  EXPECT_EQ(l.log.after(0, 10).back().record["kind"], "stale") << l.log.after(0, 10).back().line;
}

}  // namespace
}  // namespace userscale::controller
