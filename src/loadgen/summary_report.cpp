#include "loadgen/summary_report.h"

#include <cstdio>

namespace userscale::loadgen {
namespace {

nlohmann::json percentiles_ms(const LatencyHistogram& h) {
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  return {{"count", h.count()},
          {"min", ms(h.min_us())},
          {"mean", h.mean_us() / 1000.0},
          {"p50", ms(h.percentile_us(50))},
          {"p90", ms(h.percentile_us(90))},
          {"p95", ms(h.percentile_us(95))},
          {"p99", ms(h.percentile_us(99))},
          {"p999", ms(h.percentile_us(99.9))},
          {"max", ms(h.max_us())}};
}

std::uint64_t total(const auto& by_key) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : by_key) n += v;
  return n;
}

}  // namespace

nlohmann::json summary_json(const LoadSummary& s, double slo_ms) {
  nlohmann::json failed = nlohmann::json::object();
  for (const auto& [code, n] : s.failed_by_code) failed[std::to_string(code)] = n;
  nlohmann::json j = {{"mode", s.open_loop ? "open" : "closed"},
                      {"duration_s", s.duration_s},
                      {"elapsed_s", s.elapsed_s},
                      {"requests", s.requests},
                      {"completed", s.completed},
                      {"failed", failed},
                      {"errors", s.errors},
                      {"by_endpoint", s.by_endpoint},
                      {"throughput_rps", s.throughput_rps()},
                      {"latency_ms", percentiles_ms(s.latency)},
                      {"service_time_ms", percentiles_ms(s.service_time)}};
  if (s.open_loop) {
    j["offered_rps"] = s.offered_rps;
    j["send_lag_ms"] = percentiles_ms(s.send_lag);
  }
  if (slo_ms > 0.0) {
    j["slo_ms"] = slo_ms;
    j["completed_within_slo"] =
        s.latency.count_at_or_below_us(static_cast<std::uint64_t>(slo_ms * 1000.0));
  }
  return j;
}

std::string summary_line(const LoadSummary& s) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s loop: %llu requests, %llu ok, %llu failed, %llu errors in %.1f s: %.1f req/s; "
                "latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f",
                s.open_loop ? "open" : "closed", static_cast<unsigned long long>(s.requests),
                static_cast<unsigned long long>(s.completed),
                static_cast<unsigned long long>(total(s.failed_by_code)),
                static_cast<unsigned long long>(total(s.errors)), s.elapsed_s, s.throughput_rps(),
                s.latency.percentile_us(50) / 1000.0, s.latency.percentile_us(90) / 1000.0,
                s.latency.percentile_us(99) / 1000.0, s.latency.percentile_us(99.9) / 1000.0,
                s.latency.max_us() / 1000.0);
  return buf;
}

std::string timeline_csv(const LoadSummary& s) {
  std::string out = "second,sent,ok,failed,throughput_rps,latency_mean_ms,latency_max_ms\n";
  char buf[256];
  for (std::size_t i = 0; i < s.timeline.size(); ++i) {
    const TimelineRow& r = s.timeline[i];
    std::snprintf(buf, sizeof buf, "%zu,%llu,%llu,%llu,%llu,%.3f,%.3f\n", i,
                  static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.ok),
                  static_cast<unsigned long long>(r.failed), static_cast<unsigned long long>(r.ok),
                  r.ok ? r.latency_sum_ms / static_cast<double>(r.ok) : 0.0, r.latency_max_ms);
    out += buf;
  }
  return out;
}

}  // namespace userscale::loadgen
