#include "metrics/prometheus_parser.h"

#include <gtest/gtest.h>

#include <cmath>

namespace userscale::metrics {
namespace {

// The example from the Prometheus text format documentation (exposition_formats.md).
constexpr const char* kDocExample = R"(# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
)";

TEST(PrometheusParser, ReadsTheDocumentationExample) {
  auto parsed = parse_prometheus_text(kDocExample);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  const Exposition& e = *parsed;
  EXPECT_EQ(e.samples.size(), 13u);
  EXPECT_EQ(e.value("http_requests_total", {{"code", "200"}}), 1027.0);
  EXPECT_EQ(e.value("http_requests_total", {{"method", "post"}, {"code", "400"}}), 3.0);
  EXPECT_EQ(e.find("http_requests_total").size(), 2u);
  EXPECT_EQ(e.find("http_requests_total")[0]->timestamp_ms, 1395066363000);
  const auto msdos = e.find("msdos_file_access_time_seconds");
  ASSERT_EQ(msdos.size(), 1u);
  EXPECT_EQ(msdos[0]->label("path"), "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(msdos[0]->label("error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_DOUBLE_EQ(msdos[0]->value, 1.458255915e9);
  EXPECT_EQ(e.value("metric_without_timestamp_and_labels"), 12.47);
  const auto weird = e.find("something_weird");
  ASSERT_EQ(weird.size(), 1u);
  EXPECT_TRUE(std::isinf(weird[0]->value));
  EXPECT_EQ(weird[0]->timestamp_ms, -3982045);
  EXPECT_EQ(e.value("http_request_duration_seconds_bucket", {{"le", "+Inf"}}), 144320.0);
  EXPECT_EQ(e.value("http_request_duration_seconds_sum"), 53423.0);
  const FamilyInfo* fam = e.family("http_request_duration_seconds");
  ASSERT_NE(fam, nullptr);
  EXPECT_EQ(fam->type, "histogram");
  EXPECT_EQ(fam->help, "A histogram of the request duration.");
  EXPECT_EQ(e.family("http_requests_total")->type, "counter");
}

TEST(PrometheusParser, ValueIsEmptyWhenAmbiguousOrMissing) {
  auto parsed = parse_prometheus_text("a{x=\"1\"} 1\na{x=\"2\"} 2\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->value("a").has_value());
  EXPECT_FALSE(parsed->value("b").has_value());
  EXPECT_EQ(parsed->value("a", {{"x", "2"}}), 2.0);
}

TEST(PrometheusParser, AcceptsNanTrailingCommaAndCrLf) {
  auto parsed = parse_prometheus_text("g{a=\"b\",} NaN\r\nh -Inf\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_TRUE(std::isnan(parsed->samples[0].value));
  EXPECT_EQ(parsed->samples[0].label("a"), "b");
  EXPECT_TRUE(std::isinf(parsed->samples[1].value));
  EXPECT_LT(parsed->samples[1].value, 0);
}

struct BadCase {
  const char* text;
  const char* fragment;
};

class PrometheusParserErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(PrometheusParserErrors, NamesTheLineAndTheProblem) {
  auto parsed = parse_prometheus_text(GetParam().text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().to_string().find(GetParam().fragment), std::string::npos)
      << parsed.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PrometheusParserErrors,
    ::testing::Values(BadCase{"ok 1\nbad{a=1} 2\n", "line 2: expected '\"'"},
                      BadCase{"m{a=\"x\" 1\n", "expected ',' or '}'"},
                      BadCase{"m abc\n", "invalid sample value \"abc\""},
                      BadCase{"m 1 2 3\n", "unexpected text after the timestamp"},
                      BadCase{"m{a=\"x\",a=\"y\"} 1\n", "duplicate label \"a\""},
                      BadCase{"9m 1\n", "line 1: expected a metric name"},
                      BadCase{"# TYPE m bogus\n", "unknown metric type \"bogus\""},
                      BadCase{"m{a=\"\\t\"} 1\n", "unknown escape"},
                      BadCase{"m{a=\"open} 1\n", "unterminated label value"},
                      BadCase{"m nan\n", "invalid sample value"}));

}  // namespace
}  // namespace userscale::metrics
