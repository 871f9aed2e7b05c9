// The load's results as JSON (`--json`), a one-line terminal summary and a timeline CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "loadgen/load_runner.h"

namespace userscale::loadgen {

// Keys: mode, duration_s, elapsed_s, offered_rps, requests, completed, failed (by code),
// errors (by kind), throughput_rps, latency_ms / service_time_ms / send_lag_ms (min, mean, p50,
// p90, p95, p99, p999, max), by_endpoint.
// With `slo_ms` > 0 also slo_ms and completed_within_slo (2xx answers no slower than it).
nlohmann::json summary_json(const LoadSummary& s, double slo_ms = 0.0);
std::string summary_line(const LoadSummary& s);
// second,sent,ok,failed,throughput_rps,latency_mean_ms,latency_max_ms
std::string timeline_csv(const LoadSummary& s);

}  // namespace userscale::loadgen
