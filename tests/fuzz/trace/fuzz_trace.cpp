// Request traces for replay (config/trace.h parse_trace). Invariants: request times are
// finite, non-negative and sorted, token counts are -1 (unknown) or non-negative, per-minute
// counts are finite and non-negative, and the span is finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/trace.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using userscale::config::Trace;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = userscale::config::parse_trace(text, "fuzz.csv");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().path.rfind("fuzz.csv", 0) == 0,
               "an error that does not name the trace: " + parsed.error().to_string());
    return 0;
  }
  const Trace& t = *parsed;
  double last = 0.0;
  for (const auto& r : t.requests) {
    FUZZ_CHECK(std::isfinite(r.t) && r.t >= 0, "request time " + std::to_string(r.t));
    FUZZ_CHECK(r.t >= last, "request times not sorted");
    FUZZ_CHECK(r.input_tokens >= -1 && r.output_tokens >= -1, "negative token count");
    last = r.t;
  }
  for (double c : t.minute_counts) {
    FUZZ_CHECK(std::isfinite(c) && c >= 0, "minute count " + std::to_string(c));
  }
  FUZZ_CHECK(t.format == Trace::Format::Requests ? t.minute_counts.empty() : t.requests.empty(),
             "rows of both formats");
  FUZZ_CHECK(std::isfinite(t.span_seconds()) && t.span_seconds() >= 0, "span");
  return 0;
}
