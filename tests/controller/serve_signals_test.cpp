#include "controller/serve_signals.h"

#include <gtest/gtest.h>

#include "metrics/promql_client.h"

namespace userscale::controller {
namespace {

constexpr const char* kPage = R"(# TYPE userscale_requests_in_flight gauge
userscale_requests_in_flight 3
userscale_request_queue_length 1
userscale_requests_total{endpoint="stream",code="200"} 10
userscale_requests_total{endpoint="healthz",code="200"} 99
userscale_request_duration_seconds_bucket{endpoint="stream",le="0.1"} 2
userscale_request_duration_seconds_bucket{endpoint="stream",le="1"} 10
userscale_request_duration_seconds_bucket{endpoint="stream",le="+Inf"} 10
userscale_request_duration_seconds_sum{endpoint="stream"} 3
userscale_request_duration_seconds_count{endpoint="stream"} 10
userscale_request_duration_seconds_bucket{endpoint="metrics",le="0.1"} 50
userscale_request_duration_seconds_bucket{endpoint="metrics",le="1"} 50
userscale_request_duration_seconds_bucket{endpoint="metrics",le="+Inf"} 50
process_cpu_seconds_total 4
)";

TEST(ServeSignals, WorkloadRequestsOnlyAndWindowRates) {
  auto e = metrics::parse_prometheus_text(kPage);
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  const ServeCounters now = read_serve_counters(*e);
  EXPECT_EQ(now.requests, 10);
  EXPECT_EQ(now.in_flight, 3);
  EXPECT_EQ(now.bounds, (std::vector<double>{0.1, 1.0}));
  EXPECT_EQ(now.cumulative, (std::vector<double>{2, 10, 10}));
  ServeCounters before;  // a fresh process: everything at 0
  const WindowDelta w = delta(before, 100.0, now, 105.0);
  const ServingSignals s = serving_signals(now, 105.0, &w);
  EXPECT_DOUBLE_EQ(*s.completion_rate, 2.0);
  EXPECT_DOUBLE_EQ(*s.latency_mean_ms, 300.0);
  EXPECT_DOUBLE_EQ(*s.in_flight, 3.0);
  EXPECT_DOUBLE_EQ(*s.queued, 1.0);
  EXPECT_DOUBLE_EQ(*s.sample_time, 105.0);
  // p95: rank 9.5 of 10 lies in (0.1, 1], 7.5 of its 8: 0.1 + 0.9 * 7.5 / 8.
  EXPECT_NEAR(*s.latency_p95_ms, 1000.0 * (0.1 + 0.9 * 7.5 / 8.0), 1e-9);
  EXPECT_DOUBLE_EQ(w.cpu_seconds, 4.0);
}

TEST(ServeSignals, CounterResetCountsFromZero) {
  ServeCounters a, b;
  a.requests = 50;
  b.requests = 7;
  EXPECT_EQ(delta(a, 0, b, 1).requests, 7);
}

TEST(ServeSignals, QuantileOfNothingIsUnknown) {
  EXPECT_FALSE(bucket_quantile({0.1}, {0, 0}, 0.5));
}

TEST(PromqlAnswer, VectorScalarAndErrors) {
  auto v = metrics::parse_query_answer(
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"replica-1"},"value":[1700000000.5,"2.5"]},{"metric":{"pod":"replica-2"},"value":[1700000000.5,"NaN"]}]}})");
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].labels.at("pod"), "replica-1");
  EXPECT_DOUBLE_EQ((*v)[0].value, 2.5);
  EXPECT_DOUBLE_EQ((*v)[0].timestamp, 1700000000.5);
  EXPECT_TRUE(std::isnan((*v)[1].value));
  auto bad = metrics::parse_query_answer(
      R"({"status":"error","errorType":"bad_data","error":"parse error"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("parse error"), std::string::npos);
  EXPECT_EQ(metrics::url_encode("a{b=\"c\"}[5s]"), "a%7Bb%3D%22c%22%7D%5B5s%5D");
}

}  // namespace
}  // namespace userscale::controller
