#include "loadgen/thread_stats.h"

#include <algorithm>
#include <cstring>

namespace userscale::loadgen {
namespace {

std::uint64_t micros(Clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

}  // namespace

ThreadStats::ThreadStats(Clock::time_point start, std::size_t endpoints, double expected_s)
    : start_(start), by_endpoint_(endpoints, 0) {
  part_.timeline.reserve(static_cast<std::size_t>(std::max(0.0, expected_s)) + 2);
}

TimelineRow& ThreadStats::row(Clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t - start_).count();
  const auto i = static_cast<std::size_t>(std::max<std::int64_t>(0, us / 1'000'000));
  if (part_.timeline.size() <= i) part_.timeline.resize(i + 1);
  return part_.timeline[i];
}

void ThreadStats::count_error(const char* kind) {
  // A handful of kinds: a linear look-up, and no string built per error (a dead server makes
  // every request one).
  for (auto& [k, n] : errors_) {
    if (k == kind || std::strcmp(k, kind) == 0) {
      ++n;
      return;
    }
  }
  errors_.emplace_back(kind, 1);
}

void ThreadStats::sent(Clock::time_point intended) {
  ++row(intended).sent;
  bump(progress_.sent);
}

void ThreadStats::done(const Outcome& outcome, std::size_t endpoint, bool open_loop,
                       Clock::time_point intended, Clock::time_point sent, Clock::time_point now) {
  last_done_ = std::max(last_done_, now);
  ++part_.requests;
  ++by_endpoint_[endpoint];
  TimelineRow& r = row(now);
  if (open_loop) part_.send_lag.record_us(micros(sent - intended));
  if (outcome.error) {
    count_error(outcome.error);
    ++r.failed;
    bump(progress_.failed);
    return;
  }
  if (outcome.status < 200 || outcome.status > 299) {
    ++part_.failed_by_code[outcome.status];
    ++r.failed;
    bump(progress_.failed);
    return;
  }
  ++part_.completed;
  const std::uint64_t latency = micros(now - intended);
  part_.latency.record_us(latency);
  part_.service_time.record_us(micros(now - sent));
  ++r.ok;
  r.latency_sum_ms += latency / 1000.0;
  r.latency_max_ms = std::max(r.latency_max_ms, latency / 1000.0);
  bump(progress_.ok);
}

void ThreadStats::merge_into(LoadSummary& into, const std::vector<RequestSpec>& specs) const {
  into.requests += part_.requests;
  into.completed += part_.completed;
  for (const auto& [k, v] : part_.failed_by_code) into.failed_by_code[k] += v;
  for (const auto& [k, v] : errors_) into.errors[k] += v;
  for (std::size_t i = 0; i < by_endpoint_.size() && i < specs.size(); ++i) {
    if (by_endpoint_[i] > 0) into.by_endpoint[specs[i].name] += by_endpoint_[i];
  }
  into.latency.merge(part_.latency);
  into.service_time.merge(part_.service_time);
  into.send_lag.merge(part_.send_lag);
  if (into.timeline.size() < part_.timeline.size()) into.timeline.resize(part_.timeline.size());
  for (std::size_t i = 0; i < part_.timeline.size(); ++i) {
    TimelineRow& a = into.timeline[i];
    const TimelineRow& b = part_.timeline[i];
    a.sent += b.sent;
    a.ok += b.ok;
    a.failed += b.failed;
    a.latency_sum_ms += b.latency_sum_ms;
    a.latency_max_ms = std::max(a.latency_max_ms, b.latency_max_ms);
  }
}

}  // namespace userscale::loadgen
