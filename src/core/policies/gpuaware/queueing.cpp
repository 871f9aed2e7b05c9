#include "core/policies/gpuaware/queueing.h"

#include <algorithm>
#include <cmath>

namespace userscale {
namespace {

// One more step of the Erlang B recursion: B(k) from B(k - 1).
double erlang_b_step(double previous, std::int64_t k, double a) {
  return a * previous / (static_cast<double>(k) + a * previous);
}

double erlang_c_from_b(double b, std::int64_t servers, double a) {
  const double c = static_cast<double>(servers);
  if (a >= c) return 1.0;
  return c * b / (c - a * (1.0 - b));
}

}  // namespace

double erlang_b(std::int64_t servers, double offered_load) {
  double b = 1.0;
  for (std::int64_t k = 1; k <= servers; ++k) b = erlang_b_step(b, k, offered_load);
  return b;
}

double erlang_c(std::int64_t servers, double offered_load) {
  if (servers <= 0) return 1.0;
  return erlang_c_from_b(erlang_b(servers, offered_load), servers, offered_load);
}

double wait_tail(QueueModel model, std::int64_t servers, double arrival_rate, double service_rate,
                 Duration wait) {
  if (arrival_rate <= 0) return 0.0;
  if (servers <= 0 || service_rate <= 0) return 1.0;
  const double c = static_cast<double>(servers);
  if (arrival_rate >= c * service_rate) return 1.0;
  const double t = std::max(0.0, wait);
  if (model == QueueModel::Split) {
    const double rho = arrival_rate / (c * service_rate);
    return rho * std::exp(-service_rate * (1.0 - rho) * t);
  }
  const double a = arrival_rate / service_rate;
  return erlang_c(servers, a) * std::exp(-(c * service_rate - arrival_rate) * t);
}

Sizing servers_for_slo(QueueModel model, double arrival_rate, double service_rate,
                       Duration wait_budget, double percentile, double max_utilization,
                       std::int64_t max_servers) {
  Sizing s;
  if (arrival_rate <= 0) return s;
  if (!(service_rate > 0)) {  // no capacity at all: nothing is enough
    s.servers = max_servers;
    s.slo_reachable = false;
    s.tail = 1.0;
    return s;
  }
  const double a = arrival_rate / service_rate;
  const double floor_servers = std::ceil(a / max_utilization - 1e-9);
  if (!(floor_servers < static_cast<double>(max_servers))) {
    s.servers = max_servers;
    s.tail = wait_tail(model, max_servers, arrival_rate, service_rate, wait_budget);
    return s;
  }
  std::int64_t c = std::max<std::int64_t>(1, static_cast<std::int64_t>(floor_servers));
  if (wait_budget <= 0) {
    s.slo_reachable = false;
    s.servers = c;
    s.tail = wait_tail(model, c, arrival_rate, service_rate, 0);
    return s;
  }
  const double allowed = 1.0 - percentile;
  double b = erlang_b(c, a);  // B(c, a), kept up to date as c grows, for Erlang C
  for (;;) {
    const double tail =
        model == QueueModel::ErlangC
            ? erlang_c_from_b(b, c, a) *
                  std::exp(-(static_cast<double>(c) * service_rate - arrival_rate) * wait_budget)
            : wait_tail(model, c, arrival_rate, service_rate, wait_budget);
    if (tail <= allowed || c >= max_servers) {
      s.servers = c;
      s.tail = tail;
      return s;
    }
    ++c;
    b = erlang_b_step(b, c, a);
  }
}

}  // namespace userscale
