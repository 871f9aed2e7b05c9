// A PromQL client: instant queries against a Prometheus HTTP API (/api/v1/query), answers as
// labelled values. Failures are errors ("connect", "timeout", "prometheus" for an error
// answer), so that the caller can hold instead of guessing.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "metrics/http_client.h"

namespace userscale::metrics {

struct PromSeries {
  std::map<std::string, std::string> labels;
  double value = 0.0;      // NaN and infinities as Prometheus wrote them
  double timestamp = 0.0;  // unix seconds of the evaluation
};

// Percent-encodes everything but unreserved characters (RFC 3986), for query strings.
std::string url_encode(std::string_view s);

// The `data.result` of a vector or scalar answer; errors for anything else.
Result<std::vector<PromSeries>> parse_query_answer(std::string_view body);

class PromqlClient {
 public:
  PromqlClient(std::string host, std::string port, std::chrono::milliseconds timeout);
  // Evaluates `expr` at `time` (unix seconds), or now when absent.
  Result<std::vector<PromSeries>> query(std::string_view expr,
                                        std::optional<double> time = std::nullopt);

 private:
  HttpClient http_;
};

}  // namespace userscale::metrics
