#include "loadgen/response_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace userscale::loadgen {
namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

// Whether the comma-separated header value holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void ResponseReader::reset() {
  state_ = State::NeedMore;
  phase_ = Phase::Head;
  started_ = false;
  status_ = 0;
  keep_alive_ = true;
  remaining_ = 0;
  size_digits_ = false;
  head_.clear();  // keeps its capacity: no allocation on the next response
  error_.clear();
}

void ResponseReader::fail(std::string why) {
  state_ = State::Bad;
  error_ = std::move(why);
}

std::size_t ResponseReader::feed(const char* data, std::size_t n) {
  if (n > 0) started_ = true;
  std::size_t used = 0;
  // A loop, because a 1xx interim head is followed by the real one.
  while (state_ == State::NeedMore && used < n) {
    if (phase_ == Phase::Head) {
      used += feed_head(data + used, n - used);
    } else {
      used += feed_body(data + used, n - used);
    }
  }
  return used;
}

std::size_t ResponseReader::feed_head(const char* data, std::size_t n) {
  const std::string_view in(data, n);
  if (head_.empty()) {
    // The common case: the whole head in one read, parsed where it lies.
    const std::size_t end = in.find(kHeadEnd);
    if (end != std::string_view::npos) {
      parse_head(in.substr(0, end + kHeadEnd.size()));
      return end + kHeadEnd.size();
    }
  }
  const std::size_t before = head_.size();
  head_.append(data, n);
  const std::size_t end = head_.find(kHeadEnd, before >= 3 ? before - 3 : 0);
  if (end == std::string::npos) {
    if (head_.size() > kMaxHead) fail("response head over " + std::to_string(kMaxHead) + " bytes");
    return n;
  }
  const std::size_t head_size = end + kHeadEnd.size();
  head_.resize(head_size);
  parse_head(head_);
  head_.clear();
  return head_size - before;
}

bool ResponseReader::parse_head(std::string_view head) {
  std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  // "HTTP/1.x SSS reason"
  const auto digit = [&](std::size_t i) { return line[i] >= '0' && line[i] <= '9'; };
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !digit(7) || line[8] != ' ' ||
      !digit(9) || !digit(10) || !digit(11) || (line.size() > 12 && line[12] != ' ')) {
    fail("bad status line \"" + std::string(line.substr(0, 80)) + "\"");
    return false;
  }
  status_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  keep_alive_ = line[7] != '0';  // HTTP/1.0 closes unless it says keep-alive
  bool chunked = false;
  bool has_length = false;
  std::uint64_t length = 0;
  head.remove_prefix(eol + 2);
  while (!head.empty()) {
    eol = head.find("\r\n");
    const std::string_view field = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    if (field.empty()) break;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;  // tolerated, as most clients do
    const std::string_view name = field.substr(0, colon);
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (iequals(name, "content-length")) {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        fail("bad Content-Length \"" + std::string(value.substr(0, 40)) + "\"");
        return false;
      }
      length = 0;
      for (char c : value) length = length * 10 + static_cast<std::uint64_t>(c - '0');
      has_length = true;
    } else if (iequals(name, "transfer-encoding")) {
      chunked = has_token(value, "chunked");
    } else if (iequals(name, "connection")) {
      if (has_token(value, "close")) keep_alive_ = false;
      if (has_token(value, "keep-alive")) keep_alive_ = true;
    }
  }
  if (status_ >= 100 && status_ < 200 && status_ != 101) {
    phase_ = Phase::Head;  // interim (100 Continue): the real head follows
    return true;
  }
  if (status_ == 204 || status_ == 304) {
    finish();
  } else if (chunked) {
    phase_ = Phase::ChunkSize;
    remaining_ = 0;
    size_digits_ = false;
  } else if (has_length) {
    phase_ = Phase::Length;
    remaining_ = length;
    if (remaining_ == 0) finish();
  } else {
    phase_ = Phase::UntilClose;
    keep_alive_ = false;
  }
  return true;
}

std::size_t ResponseReader::feed_body(const char* data, std::size_t n) {
  std::size_t i = 0;
  const auto end_of_size_line = [&] {
    if (remaining_ == 0) {
      phase_ = Phase::TrailerStart;
    } else {
      phase_ = Phase::ChunkData;
    }
  };
  while (i < n && state_ == State::NeedMore) {
    const char c = data[i];
    switch (phase_) {
      case Phase::Head:
        return i;
      case Phase::Length:
      case Phase::ChunkData: {
        const std::uint64_t take = std::min<std::uint64_t>(remaining_, n - i);
        i += static_cast<std::size_t>(take);
        remaining_ -= take;
        if (remaining_ == 0) {
          if (phase_ == Phase::Length) {
            finish();
          } else {
            phase_ = Phase::ChunkDataEnd;
          }
        }
        break;
      }
      case Phase::UntilClose:
        return n;
      case Phase::ChunkSize: {
        ++i;
        const int v = hex_value(c);
        if (v >= 0) {
          if (remaining_ >> 56) {
            fail("chunk size too large");
            return i;
          }
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
          size_digits_ = true;
        } else if (!size_digits_) {
          fail("chunk size without digits");
        } else if (c == '\n') {
          end_of_size_line();
        } else if (c == ';' || c == ' ' || c == '\t' || c == '\r') {
          phase_ = Phase::ChunkExt;
        } else {
          fail("bad chunk size");
        }
        break;
      }
      case Phase::ChunkExt: {
        const char* lf = static_cast<const char*>(std::memchr(data + i, '\n', n - i));
        if (!lf) return n;
        i = static_cast<std::size_t>(lf - data) + 1;
        end_of_size_line();
        break;
      }
      case Phase::ChunkDataEnd:
        ++i;
        if (c == '\n') {
          phase_ = Phase::ChunkSize;
          remaining_ = 0;
          size_digits_ = false;
        } else if (c != '\r') {
          fail("no CRLF after chunk data");
        }
        break;
      case Phase::TrailerStart:
        ++i;
        if (c == '\r') {
          phase_ = Phase::TrailerEndLf;
        } else if (c == '\n') {
          finish();
        } else {
          phase_ = Phase::TrailerLine;
        }
        break;
      case Phase::TrailerLine: {
        const char* lf = static_cast<const char*>(std::memchr(data + i, '\n', n - i));
        if (!lf) return n;
        i = static_cast<std::size_t>(lf - data) + 1;
        phase_ = Phase::TrailerStart;
        break;
      }
      case Phase::TrailerEndLf:
        ++i;
        if (c == '\n') {
          finish();
        } else {
          fail("no LF after the last chunk");
        }
        break;
    }
  }
  return i;
}

ResponseReader::State ResponseReader::at_eof() {
  if (state_ != State::NeedMore) return state_;
  if (phase_ == Phase::UntilClose) {
    finish();
  } else {
    fail(started_ ? "connection closed in the middle of a response"
                  : "connection closed before a response");
  }
  return state_;
}

}  // namespace userscale::loadgen
