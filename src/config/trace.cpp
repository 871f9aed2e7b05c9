#include "config/trace.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string_view>

namespace userscale::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// from_chars also reads "nan" and "inf", which no trace means: a NaN time sorts nowhere and an
// infinite count never ends (found by tests/fuzz/trace).
bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

bool parse_tokens(std::string_view s, std::int32_t& out) {
  s = trim(s);
  if (s.empty()) {
    out = -1;  // unknown
    return true;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

// Splits a line on commas into at most `n` fields; returns the count found.
int split(std::string_view line, std::string_view* fields, int n) {
  int count = 0;
  while (count < n) {
    auto comma = line.find(',');
    fields[count++] = line.substr(0, comma);
    if (comma == std::string_view::npos) return count;
    line.remove_prefix(comma + 1);
  }
  return count + 1;  // more fields than expected
}

}  // namespace

double Trace::span_seconds() const {
  if (format == Format::PerMinute) return 60.0 * static_cast<double>(minute_counts.size());
  return requests.empty() ? 0.0 : requests.back().t;
}

Result<Trace> parse_trace(const std::string& text, const std::string& name) {
  Trace trace;
  std::string_view rest(text);
  int line_no = 0;
  bool header_seen = false;
  const auto fail = [&](const std::string& what) {
    return Error{name + ":" + std::to_string(line_no), what};
  };
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    std::string_view f[3];
    const int n = split(line, f, 3);
    if (!header_seen) {
      header_seen = true;
      if (n == 3 && trim(f[0]) == "t_s" && trim(f[1]) == "input_tokens" &&
          trim(f[2]) == "output_tokens") {
        trace.format = Trace::Format::Requests;
      } else if (n == 2 && trim(f[0]) == "minute" && trim(f[1]) == "count") {
        trace.format = Trace::Format::PerMinute;
      } else {
        return fail("header: expected `t_s,input_tokens,output_tokens` or `minute,count`, got `" +
                    std::string(line) + "`");
      }
      continue;
    }
    if (trace.format == Trace::Format::Requests) {
      if (n != 3) return fail("expected 3 fields, got " + std::to_string(n));
      TraceRequest r;
      if (!parse_double(f[0], r.t) || r.t < 0.0) return fail("t_s: not a non-negative number");
      if (!trace.requests.empty() && r.t < trace.requests.back().t) {
        return fail("t_s: decreases (rows must be sorted by time)");
      }
      if (!parse_tokens(f[1], r.input_tokens)) return fail("input_tokens: not a count");
      if (!parse_tokens(f[2], r.output_tokens)) return fail("output_tokens: not a count");
      trace.requests.push_back(r);
    } else {
      if (n != 2) return fail("expected 2 fields, got " + std::to_string(n));
      double minute = 0.0, count = 0.0;
      if (!parse_double(f[0], minute) ||
          minute != static_cast<double>(trace.minute_counts.size())) {
        return fail("minute: expected " + std::to_string(trace.minute_counts.size()));
      }
      if (!parse_double(f[1], count) || count < 0.0)
        return fail("count: not a non-negative number");
      trace.minute_counts.push_back(count);
    }
  }
  if (!header_seen) return Error{name, "empty trace"};
  return trace;
}

Result<Trace> load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path, "cannot open the trace file"};
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_trace(buf.str(), path);
}

}  // namespace userscale::config
