#include "metrics/prometheus_writer.h"

#include <gtest/gtest.h>

#include <limits>

#include "metrics/prometheus_parser.h"

namespace userscale::metrics {
namespace {

TEST(PrometheusWriter, WritesFamiliesSamplesAndEscapes) {
  PrometheusWriter w;
  w.family("jobs_total", "Jobs done.\nSecond line \\ here", MetricType::Counter);
  w.sample("jobs_total", {{"kind", "a\"b\\c\nd"}}, 3);
  w.sample("jobs_total", {}, 0.25);
  EXPECT_EQ(w.text(),
            "# HELP jobs_total Jobs done.\\nSecond line \\\\ here\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
            "jobs_total 0.25\n");
}

TEST(PrometheusWriter, FormatsSpecialValues) {
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(1e-3), "0.001");
  EXPECT_EQ(format_value(42), "42");
}

TEST(PrometheusWriter, HistogramHasCumulativeBucketsSumAndCount) {
  PrometheusWriter w;
  w.family("lat_seconds", "Latency.", MetricType::Histogram);
  w.histogram("lat_seconds", {{"endpoint", "sort"}}, {0.1, 1}, {2, 5, 7}, 3.5);
  EXPECT_EQ(w.text(),
            "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{endpoint=\"sort\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{endpoint=\"sort\",le=\"1\"} 5\n"
            "lat_seconds_bucket{endpoint=\"sort\",le=\"+Inf\"} 7\n"
            "lat_seconds_sum{endpoint=\"sort\"} 3.5\n"
            "lat_seconds_count{endpoint=\"sort\"} 7\n");
}

TEST(PrometheusWriter, RoundTripsThroughTheParser) {
  PrometheusWriter w;
  w.family("g", "A gauge.", MetricType::Gauge);
  w.sample("g", {{"gpu_uuid", "GPU-1234"}, {"path", "C:\\x \"q\"\n"}}, 0.875);
  auto parsed = parse_prometheus_text(w.text());
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  ASSERT_EQ(parsed->samples.size(), 1u);
  EXPECT_EQ(parsed->samples[0].label("path"), "C:\\x \"q\"\n");
  EXPECT_EQ(parsed->value("g", {{"gpu_uuid", "GPU-1234"}}), 0.875);
  EXPECT_EQ(parsed->family("g")->help, "A gauge.");
}

}  // namespace
}  // namespace userscale::metrics
