// The queueing arithmetic behind gpuaware's SLO sizing: how many servers of a given service
// rate keep the waiting time of a Poisson arrival stream under a budget at a percentile.
//
// Two models (docs/gpuaware.md):
//   * Erlang C (M/M/c): one queue in front of c servers, what least-outstanding balancing
//     approaches. With offered load a = lambda / mu, the probability that a request waits is
//     C(c, a), and P(W > t) = C(c, a) exp(-(c mu - lambda) t).
//   * split (c x M/M/1): the stream split evenly over c independent queues, as random or
//     round-robin balancing does (round-robin does a little better: this is a bound). Each
//     queue is M/M/1 at rho = lambda / (c mu): P(W > t) = rho exp(-mu (1 - rho) t).
// Both assume exponential service times: a service with steadier requests waits less, so the
// models err on the safe side.
#pragma once

#include <cstdint>

#include "core/policies/gpuaware/gpuaware_params.h"
#include "core/timefmt.h"

namespace userscale {

// Erlang B: the blocking probability of c servers at offered load a (erlangs), by the stable
// recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
double erlang_b(std::int64_t servers, double offered_load);

// Erlang C: the probability that a request waits, C = c B / (c - a (1 - B)); 1 when a >= c.
double erlang_c(std::int64_t servers, double offered_load);

// P(W > t): the share of requests that wait longer than `wait` seconds, under `model`.
// 1 when the servers cannot keep up (lambda >= c mu).
double wait_tail(QueueModel model, std::int64_t servers, double arrival_rate, double service_rate,
                 Duration wait);

struct Sizing {
  std::int64_t servers = 0;
  // False when the budget is not positive (the service alone takes the whole SLO): `servers`
  // then only keeps utilization at max_utilization.
  bool slo_reachable = true;
  double tail = 0;  // P(W > budget) at `servers`
};

// The fewest servers (at least ceil(a / max_utilization), at most `max_servers`) for which
// P(W > wait_budget) <= 1 - percentile. No servers for no arrivals.
Sizing servers_for_slo(QueueModel model, double arrival_rate, double service_rate,
                       Duration wait_budget, double percentile, double max_utilization,
                       std::int64_t max_servers);

}  // namespace userscale
