// The simulator against queueing theory: long runs must land within 2 % of the exact means.
#include <gtest/gtest.h>

#include <cmath>

#include "test_helpers.h"

namespace userscale::sim {
namespace {

Summary run(const config::Scenario& sc) {
  auto s = simulate({&sc, testing::keep_policy(), nullptr, nullptr});
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? *s : Summary{};
}

// One pod whose CPU has `servers` cores and admits `servers` requests at a time: each request
// gets a whole core, the rest wait in the pod's FIFO queue. That is an M/G/c FCFS station.
config::Scenario cpu_station(int servers, double rate, config::DistSpec service, double duration) {
  auto sc = testing::queueing_scenario(1, 1, 0.0);
  sc.service.gpu_cost = config::DistSpec::constant(0.0);
  sc.service.cpu_cost = service;
  sc.service.cpu_limit_cores = servers;
  sc.service.concurrency = servers;
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = rate;
  sc.duration = duration;
  sc.seed = 7;
  return sc;
}

double erlang_c_response(int c, double lambda, double mu) {
  const double a = lambda / mu;
  const double rho = a / c;
  double sum = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double last = term * a / c;  // a^c / c!
  const double p_wait = last / (1.0 - rho) / (sum + last / (1.0 - rho));
  return p_wait / (c * mu - lambda) + 1.0 / mu;
}

TEST(Queueing, MM1MeanResponseTime) {
  // lambda = 50/s, mean service 10 ms: rho = 0.5, T = S / (1 - rho) = 20 ms.
  const auto s = run(cpu_station(1, 50.0, config::DistSpec::exponential(0.01), 8000.0));
  ASSERT_GT(s.completed, 390000u);
  EXPECT_NEAR(s.latency_mean_ms, 20.0, 20.0 * 0.02);
}

TEST(Queueing, MMcMatchesErlangC) {
  // c = 4, lambda = 300/s, mean service 10 ms: a = 3, rho = 0.75.
  const double expected = 1000.0 * erlang_c_response(4, 300.0, 100.0);
  const auto s = run(cpu_station(4, 300.0, config::DistSpec::exponential(0.01), 1500.0));
  ASSERT_GT(s.completed, 440000u);
  EXPECT_NEAR(s.latency_mean_ms, expected, expected * 0.02);
}

TEST(Queueing, MD1MatchesPollaczekKhinchine) {
  // Deterministic 10 ms service at rho = 0.6: W = rho S / (2 (1 - rho)), T = W + S = 17.5 ms.
  const auto s = run(cpu_station(1, 60.0, config::DistSpec::constant(0.01), 5000.0));
  ASSERT_GT(s.completed, 290000u);
  EXPECT_NEAR(s.latency_mean_ms, 17.5, 17.5 * 0.02);
}

TEST(Queueing, MG1ProcessorSharingIsInsensitiveToTheServiceDistribution) {
  // All requests share one exclusive GPU: M/G/1-PS, whose mean response time is S / (1 - rho)
  // whatever the service distribution (here uniform, far from exponential).
  auto sc = testing::queueing_scenario(1, 1, 0.0);
  sc.service.gpu_cost = config::DistSpec::uniform(0.0, 0.02);  // mean 10 ms
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = 60.0;  // rho = 0.6: T = 25 ms
  sc.duration = 6000.0;
  sc.seed = 11;
  const auto s = run(sc);
  ASSERT_GT(s.completed, 350000u);
  EXPECT_NEAR(s.latency_mean_ms, 25.0, 25.0 * 0.02);
  // The GPU was busy exactly when a request was there: rho of the time.
  EXPECT_NEAR(s.gpu_busy_seconds / sc.duration, 0.6, 0.6 * 0.02);
}

TEST(Queueing, MM1ProcessorSharing) {
  auto sc = testing::queueing_scenario(1, 1, 0.01);  // exponential 10 ms on the GPU
  sc.load.kind = config::LoadKind::Poisson;
  sc.load.rate = 60.0;  // rho = 0.6: T = 25 ms
  sc.duration = 6000.0;
  sc.seed = 3;
  const auto s = run(sc);
  ASSERT_GT(s.completed, 350000u);
  EXPECT_NEAR(s.latency_mean_ms, 25.0, 25.0 * 0.02);
}

TEST(Queueing, ClosedLoopFollowsTheInteractiveResponseTimeLawAndMva) {
  // N users, think time Z, one PS station with exponential service S.
  const int users = 10;
  const double think = 0.1, service = 0.02;
  auto sc = testing::queueing_scenario(1, 1, service);
  sc.load.kind = config::LoadKind::Closed;
  sc.load.users = users;
  sc.load.think = config::DistSpec::exponential(think);
  sc.duration = 5000.0;
  sc.seed = 5;
  const auto s = run(sc);
  ASSERT_GT(s.completed, 200000u);
  // The law: R = N / X - Z (operational, holds for any closed system over a long run).
  const double x = s.throughput_rps;
  EXPECT_NEAR(s.latency_mean_ms / 1000.0, users / x - think, (users / x - think) * 0.02);
  // Exact mean value analysis for one queueing station and a delay station.
  double q = 0.0, r = 0.0, xm = 0.0;
  for (int n = 1; n <= users; ++n) {
    r = service * (1.0 + q);
    xm = n / (r + think);
    q = xm * r;
  }
  EXPECT_NEAR(x, xm, xm * 0.02);
  EXPECT_NEAR(s.latency_mean_ms / 1000.0, r, r * 0.02);
}

}  // namespace
}  // namespace userscale::sim
