// Request traces for replay (../shared/traces/README.md): request-level
// `t_s,input_tokens,output_tokens` or per-minute `minute,count`, told apart by the header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::config {

struct TraceRequest {
  double t = 0.0;                  // seconds since the trace's first request
  std::int32_t input_tokens = -1;  // -1 when the trace does not say
  std::int32_t output_tokens = -1;
};

struct Trace {
  enum class Format { Requests, PerMinute };
  Format format = Format::Requests;
  std::vector<TraceRequest> requests;  // Requests: sorted by t
  std::vector<double> minute_counts;   // PerMinute: expected arrivals in minute i
  double span_seconds() const;
};

// `name` prefixes every error (`trace.csv:12: t_s: not a number`).
Result<Trace> parse_trace(const std::string& text, const std::string& name);
Result<Trace> load_trace(const std::string& path);

}  // namespace userscale::config
