// An incremental HTTP/1.1 response reader for the load generator. The load needs a response's
// status, where it ends (Content-Length, chunked, or the connection's close) and whether the
// connection stays open; it never looks at the body, so the body is skipped, not stored, and
// reading a response allocates nothing once the reader has warmed up. Bytes may arrive split
// anywhere. Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace userscale::loadgen {

class ResponseReader {
 public:
  enum class State { NeedMore, Done, Bad };

  // Ready for the next response on the connection.
  void reset();
  // Reads from `data`; returns how many bytes belong to this response (the rest, if any, came
  // after it). Call while state() is NeedMore.
  std::size_t feed(const char* data, std::size_t n);
  // The peer closed the connection: a body that runs to the close ends here; anything else is
  // cut short (Bad).
  State at_eof();

  State state() const { return state_; }
  // Whether any byte of this response has arrived (a kept-alive connection the server closed
  // before answering gets none).
  bool started() const { return started_; }
  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  const std::string& error() const { return error_; }

  // The most a response head may take.
  static constexpr std::size_t kMaxHead = 64 * 1024;

 private:
  enum class Phase {
    Head,
    Length,        // `remaining_` body bytes
    UntilClose,    // body up to the close
    ChunkSize,     // hex digits of a chunk size
    ChunkExt,      // chunk extensions, up to the end of the size line
    ChunkData,     // `remaining_` bytes of chunk data
    ChunkDataEnd,  // the CRLF after a chunk's data
    TrailerStart,  // the start of a trailer line, or the final empty line
    TrailerLine,   // a trailer field, skipped up to its LF
    TrailerEndLf,  // the LF of the final empty line
  };

  std::size_t feed_head(const char* data, std::size_t n);
  bool parse_head(std::string_view head);
  std::size_t feed_body(const char* data, std::size_t n);
  void fail(std::string why);
  void finish() { state_ = State::Done; }

  State state_ = State::NeedMore;
  Phase phase_ = Phase::Head;
  bool started_ = false;
  int status_ = 0;
  bool keep_alive_ = true;
  std::uint64_t remaining_ = 0;
  bool size_digits_ = false;  // a chunk size line has at least one digit
  std::string head_;          // a head split over reads, kept until it is whole
  std::string error_;
};

}  // namespace userscale::loadgen
