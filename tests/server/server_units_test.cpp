#include <gtest/gtest.h>

#include <atomic>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "server/admission.h"
#include "server/endpoint.h"
#include "server/image_decode.h"
#include "server/query.h"
#include "server/reply.h"

namespace userscale::server {
namespace {

// Replies are written by hand (serialize_reply); Beast's own parser reads them back as sent.
boost::beast::http::response<boost::beast::http::string_body> parse_reply(const std::string& raw) {
  namespace http = boost::beast::http;
  http::response_parser<http::string_body> p;
  p.eager(true);
  boost::beast::error_code ec;
  const std::size_t used = p.put(boost::asio::buffer(raw), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(used, raw.size());
  EXPECT_TRUE(p.is_done());
  return p.release();
}

TEST(Reply, SerializedRepliesParseBackWithTheirHeadersAndBody) {
  namespace http = boost::beast::http;
  std::string out = "left over from the last reply";
  Reply ok = json_reply(200, {{"ready", true}});
  serialize_reply(ok, true, 1, out);
  auto a = parse_reply(out);
  EXPECT_EQ(a.result_int(), 200);
  EXPECT_EQ(a.reason(), "OK");
  EXPECT_EQ(a[http::field::server], "userscale");
  EXPECT_EQ(a[http::field::content_type], "application/json");
  EXPECT_EQ(a.body(), "{\"ready\":true}\n");
  EXPECT_TRUE(a.keep_alive());
  EXPECT_EQ(a.count(http::field::retry_after), 0u);

  Reply busy = error_reply(503, "overloaded");
  busy.retry_after = true;
  serialize_reply(busy, false, 7, out);
  auto b = parse_reply(out);
  EXPECT_EQ(b.result_int(), 503);
  EXPECT_EQ(b.reason(), "Service Unavailable");
  EXPECT_EQ(b[http::field::retry_after], "7");
  EXPECT_FALSE(b.keep_alive());
  EXPECT_EQ(b[http::field::content_length], std::to_string(b.body().size()));

  Reply wrong;
  wrong.status = 405;
  wrong.allow = "POST";
  wrong.content_type = "text/plain";
  serialize_reply(wrong, true, 1, out);
  auto c = parse_reply(out);
  EXPECT_EQ(c[http::field::allow], "POST");
  EXPECT_EQ(c[http::field::content_length], "0");
  EXPECT_TRUE(c.body().empty());
}

TEST(Query, SplitsPathAndDecodesParameters) {
  const Target t = parse_target("/sort?size=10&x=a%20b&flag&y=1+2");
  EXPECT_EQ(t.path, "/sort");
  EXPECT_EQ(t.params.at("size"), "10");
  EXPECT_EQ(t.params.at("x"), "a b");
  EXPECT_EQ(t.params.at("flag"), "");
  EXPECT_EQ(t.params.at("y"), "1 2");
}

TEST(Query, IntParamChecksFormAndRange) {
  const Target t = parse_target("/m?size=12&bad=1x&neg=-3&big=99999999999999999999");
  EXPECT_EQ(*int_param(t, "size", 1, 100, 5), 12);
  EXPECT_EQ(*int_param(t, "absent", 1, 100, 5), 5);
  EXPECT_EQ(int_param(t, "bad", 1, 100, 5).error().to_string(), "bad: \"1x\" is not an integer");
  EXPECT_EQ(int_param(t, "neg", 0, 100, 5).error().to_string(), "neg: -3 is outside [0, 100]");
  EXPECT_FALSE(int_param(t, "big", 0, 100, 5).ok());
}

TEST(Endpoint, PathsMapToNamesAndWorkloadsAreKnown) {
  EXPECT_EQ(endpoint_for_path("/gpu_job"), Endpoint::GpuJob);
  EXPECT_EQ(endpoint_name(endpoint_for_path("/metrics")), "metrics");
  EXPECT_EQ(endpoint_for_path("/sorts"), Endpoint::Unknown);
  EXPECT_EQ(endpoint_for_path("sort"), Endpoint::Unknown);
  EXPECT_TRUE(is_workload(Endpoint::Stream));
  EXPECT_FALSE(is_workload(Endpoint::Readyz));
}

TEST(Admission, AdmitsUpToTheLimitQueuesThenRejects) {
  Admission a(1, 1);
  int started = 0;
  EXPECT_EQ(a.enter([&] { ++started; }), Admission::Outcome::Admitted);
  EXPECT_EQ(started, 1);  // admitted: started before enter returned
  EXPECT_EQ(a.running(), 1);
  EXPECT_EQ(a.enter([&] { ++started; }), Admission::Outcome::Queued);
  EXPECT_EQ(started, 1);
  EXPECT_EQ(a.waiting(), 1);
  bool rejected_ran = false;
  EXPECT_EQ(a.enter([&] { rejected_ran = true; }), Admission::Outcome::Rejected);
  a.leave();  // the slot passes to the queued request, which starts now
  EXPECT_EQ(started, 2);
  EXPECT_EQ(a.running(), 1);
  EXPECT_EQ(a.waiting(), 0);
  a.leave();
  EXPECT_EQ(a.running(), 0);
  EXPECT_FALSE(rejected_ran);
}

TEST(Admission, QueuedRequestsStartInArrivalOrder) {
  Admission a(2, 8);
  std::vector<int> order;
  for (int i = 0; i < 6; ++i) a.enter([&order, i] { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<int>{0, 1}));
  EXPECT_EQ(a.waiting(), 4);
  for (int i = 0; i < 6; ++i) a.leave();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(a.running(), 0);
  EXPECT_EQ(a.waiting(), 0);
}

TEST(Admission, ANewRequestDoesNotOvertakeTheQueue) {
  Admission a(1, 4);
  std::vector<int> order;
  a.enter([&] { order.push_back(0); });
  a.enter([&] { order.push_back(1); });
  // leave() hands the slot to the queued request: a newcomer finds no free slot.
  a.leave();
  EXPECT_EQ(a.enter([&] { order.push_back(2); }), Admission::Outcome::Queued);
  a.leave();
  a.leave();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(ImageDecode, ReadsPgmWithCommentsAndRawSquares) {
  std::string pgm = "P5\n# a comment\n2 2\n255\n";
  pgm += std::string("\x00\xff\x80\x40", 4);
  auto img = decode_gray_image(pgm);
  ASSERT_TRUE(img.ok()) << img.error().to_string();
  EXPECT_EQ(img->width, 2u);
  EXPECT_EQ(img->height, 2u);
  EXPECT_FLOAT_EQ(img->pixels[1], 1.0f);
  EXPECT_FLOAT_EQ(img->pixels[2], 128.0f / 255.0f);
  auto raw = decode_gray_image(std::string(9, '\xff'));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->width, 3u);
  EXPECT_FALSE(decode_gray_image("abc").ok());
  EXPECT_FALSE(decode_gray_image("").ok());
  EXPECT_FALSE(decode_gray_image("P5\n4 4\n255\nxx").ok());
}

TEST(ImageDecode, NearestResizeSamplesTheSourceGrid) {
  GrayImage img{2, 2, {0.0f, 1.0f, 0.5f, 0.25f}};
  const auto out = resize_nearest(img, 4);
  EXPECT_EQ(out, (std::vector<float>{0, 0, 1, 1, 0, 0, 1, 1, 0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f,
                                     0.25f, 0.25f}));
}

}  // namespace
}  // namespace userscale::server
