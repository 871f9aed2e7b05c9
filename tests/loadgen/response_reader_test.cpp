// The load engine's response reader: framing by Content-Length, chunked encoding and the
// connection's close, fed whole and byte by byte, and the malformed answers it must refuse.
#include "loadgen/response_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace userscale::loadgen {
namespace {

using State = ResponseReader::State;

// Feeds `wire` in pieces of `step` bytes; returns the bytes the response took.
std::size_t feed_in_steps(ResponseReader& r, const std::string& wire, std::size_t step) {
  std::size_t used = 0;
  for (std::size_t at = 0; at < wire.size() && r.state() == State::NeedMore; at += step) {
    const std::size_t n = std::min(step, wire.size() - at);
    used += r.feed(wire.data() + at, n);
  }
  return used;
}

TEST(ResponseReader, ContentLengthInAnySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
      "{\"status\":\"ok\"}\n";
  for (std::size_t step : {wire.size(), std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
    ResponseReader r;
    EXPECT_EQ(feed_in_steps(r, wire, step), wire.size()) << step;
    EXPECT_EQ(r.state(), State::Done) << step;
    EXPECT_EQ(r.status(), 200);
    EXPECT_TRUE(r.keep_alive());
  }
}

TEST(ResponseReader, StopsAtTheEndOfTheResponse) {
  const std::string one = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\nno";
  ResponseReader r;
  const std::string two = one + "HTTP/1.1 200 OK\r\n";
  EXPECT_EQ(r.feed(two.data(), two.size()), one.size());
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.status(), 503);
  r.reset();
  EXPECT_FALSE(r.started());
  EXPECT_EQ(r.state(), State::NeedMore);
}

TEST(ResponseReader, ChunkedWithExtensionsAndTrailersInAnySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n";
  for (std::size_t step : {wire.size(), std::size_t{1}, std::size_t{3}, std::size_t{11}}) {
    ResponseReader r;
    EXPECT_EQ(feed_in_steps(r, wire, step), wire.size()) << step;
    EXPECT_EQ(r.state(), State::Done) << step;
    EXPECT_EQ(r.status(), 200);
    EXPECT_TRUE(r.keep_alive());
  }
  // A chunked body is not over before its last chunk: the close cuts it short.
  ResponseReader cut;
  const std::string part = wire.substr(0, wire.size() - 10);
  cut.feed(part.data(), part.size());
  EXPECT_EQ(cut.state(), State::NeedMore);
  EXPECT_EQ(cut.at_eof(), State::Bad);
}

TEST(ResponseReader, BodyUntilCloseEndsAtTheClose) {
  const std::string wire = "HTTP/1.0 200 OK\r\n\r\nsome body";
  ResponseReader r;
  EXPECT_EQ(r.feed(wire.data(), wire.size()), wire.size());
  EXPECT_EQ(r.state(), State::NeedMore);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_EQ(r.at_eof(), State::Done);
  EXPECT_EQ(r.status(), 200);
}

TEST(ResponseReader, ConnectionHeaderAndVersionDecideKeepAlive) {
  const auto keep_alive = [](const std::string& wire) {
    ResponseReader r;
    r.feed(wire.data(), wire.size());
    EXPECT_EQ(r.state(), State::Done) << wire;
    return r.keep_alive();
  };
  EXPECT_FALSE(keep_alive("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_TRUE(keep_alive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_TRUE(keep_alive("HTTP/1.1 204 No Content\r\n\r\n"));
}

TEST(ResponseReader, InterimResponsesAreSkipped) {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx";
  ResponseReader r;
  EXPECT_EQ(r.feed(wire.data(), wire.size()), wire.size());
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.status(), 201);
}

TEST(ResponseReader, MalformedAnswersAreRefused) {
  for (const std::string& wire : {
           std::string("HTTP/2 200 OK\r\n\r\n"),
           std::string("HTTP/1.1 2x0 OK\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
           std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX"),
       }) {
    ResponseReader r;
    r.feed(wire.data(), wire.size());
    EXPECT_EQ(r.state(), State::Bad) << wire;
    EXPECT_FALSE(r.error().empty());
  }
  ResponseReader huge;
  const std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(ResponseReader::kMaxHead, 'a');
  huge.feed(head.data(), head.size());
  EXPECT_EQ(huge.state(), State::Bad);
}

TEST(ResponseReader, CloseBeforeAnyByteIsNotStarted) {
  ResponseReader r;
  EXPECT_FALSE(r.started());
  EXPECT_EQ(r.at_eof(), State::Bad);
  EXPECT_FALSE(r.started());
}

}  // namespace
}  // namespace userscale::loadgen
