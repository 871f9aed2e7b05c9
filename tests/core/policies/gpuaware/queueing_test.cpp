// The queueing arithmetic of gpuaware's SLO sizing, against values worked out by hand.
#include "core/policies/gpuaware/queueing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace userscale {
namespace {

TEST(ErlangB, MatchesTheRecursionByHand) {
  // B(1, 1) = 1 x 1 / (1 + 1) = 1/2; B(2, 1) = 1 x 1/2 / (2 + 1/2) = 1/5.
  EXPECT_DOUBLE_EQ(erlang_b(2, 1.0), 0.2);
  // a = 2: B(1) = 2/3; B(2) = (4/3) / (2 + 4/3) = 2/5; B(3) = (4/5) / (3 + 4/5) = 4/19.
  EXPECT_NEAR(erlang_b(3, 2.0), 4.0 / 19.0, 1e-15);
  EXPECT_DOUBLE_EQ(erlang_b(0, 3.0), 1.0);  // no server: every request blocked
}

TEST(ErlangC, MatchesTheClosedFormByHand) {
  // One server: the probability of waiting is the utilization.
  EXPECT_NEAR(erlang_c(1, 0.5), 0.5, 1e-15);
  // M/M/2 at rho = 1/2: P(wait) = 2 rho^2 / (1 + rho) = (1/2) / (3/2) = 1/3.
  EXPECT_NEAR(erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
  // c = 3, a = 2: a^c/c! x c/(c - a) = 8/6 x 3 = 4; sum_{k<3} a^k/k! = 1 + 2 + 2 = 5;
  // C = 4 / (5 + 4) = 4/9.
  EXPECT_NEAR(erlang_c(3, 2.0), 4.0 / 9.0, 1e-15);
  // c = 3, a = 2.5: 2.5^3/6 x 3/0.5 = 15.625; sum = 1 + 2.5 + 3.125 = 6.625;
  // C = 15.625 / 22.25 = 0.702247...
  EXPECT_NEAR(erlang_c(3, 2.5), 15.625 / 22.25, 1e-12);
  EXPECT_DOUBLE_EQ(erlang_c(2, 2.0), 1.0);  // a >= c: every request waits
}

TEST(WaitTail, ErlangCDecaysAtTheSpareRate) {
  // lambda 10, mu 4, c 3: P(W > 0.5) = 0.702247 x exp(-(12 - 10) x 0.5) = 0.258342...
  EXPECT_NEAR(wait_tail(QueueModel::ErlangC, 3, 10, 4, 0.5), 15.625 / 22.25 * std::exp(-1.0),
              1e-12);
  EXPECT_DOUBLE_EQ(wait_tail(QueueModel::ErlangC, 2, 10, 4, 0.5), 1.0);  // overloaded
  EXPECT_DOUBLE_EQ(wait_tail(QueueModel::ErlangC, 2, 0, 4, 0.5), 0.0);   // no arrivals
}

TEST(WaitTail, SplitIsOneMm1PerServer) {
  // lambda 12 over 3 servers of mu 10: rho = 0.4, P(W > 0.2) = 0.4 exp(-10 x 0.6 x 0.2)
  // = 0.4 e^-1.2 = 0.120478.
  EXPECT_NEAR(wait_tail(QueueModel::Split, 3, 12, 10, 0.2), 0.4 * std::exp(-1.2), 1e-12);
}

TEST(ServersForSlo, ErlangCFindsTheFewestServers) {
  // lambda 10, mu 4 (a = 2.5), budget 0.5 s, 95 % within it (tail <= 0.05), rho <= 0.9:
  // start at ceil(2.5 / 0.9) = 3: tail 0.258 (above); c = 4: a^4/4! x 4/1.5 = 4.340278,
  // sum_{k<4} = 9.229167, C = 0.319857, tail = 0.319857 e^-3 = 0.015925 <= 0.05.
  const Sizing s = servers_for_slo(QueueModel::ErlangC, 10, 4, 0.5, 0.95, 0.9, 1000);
  EXPECT_EQ(s.servers, 4);
  EXPECT_TRUE(s.slo_reachable);
  EXPECT_NEAR(s.tail, 0.015925, 1e-6);
}

TEST(ServersForSlo, SplitQueuesNeedMoreThanOnePooledQueue) {
  // lambda 12, mu 10, budget 0.2 s, 90 % (tail <= 0.1), rho <= 0.9: start at 2.
  // Erlang C: C(2, 1.2) = 0.45, tail = 0.45 e^-1.6 = 0.0909: 2 servers.
  EXPECT_EQ(servers_for_slo(QueueModel::ErlangC, 12, 10, 0.2, 0.9, 0.9, 1000).servers, 2);
  // Split: c = 2: 0.6 e^-0.8 = 0.2696; c = 3: 0.4 e^-1.2 = 0.1205; c = 4: 0.3 e^-1.4 = 0.0740.
  EXPECT_EQ(servers_for_slo(QueueModel::Split, 12, 10, 0.2, 0.9, 0.9, 1000).servers, 4);
}

TEST(ServersForSlo, UtilizationCapAndEdges) {
  // A generous SLO: only the utilization cap binds. a = 8, 8 / 0.8 = 10 servers.
  EXPECT_EQ(servers_for_slo(QueueModel::ErlangC, 80, 10, 100, 0.99, 0.8, 1000).servers, 10);
  // No arrivals: no servers.
  EXPECT_EQ(servers_for_slo(QueueModel::ErlangC, 0, 10, 1, 0.99, 0.9, 1000).servers, 0);
  // The service time alone exceeds the SLO: unreachable, sized by utilization only.
  const Sizing s = servers_for_slo(QueueModel::ErlangC, 18, 10, -0.1, 0.99, 0.9, 1000);
  EXPECT_FALSE(s.slo_reachable);
  EXPECT_EQ(s.servers, 2);
  // Never more than allowed, however large the load.
  EXPECT_EQ(servers_for_slo(QueueModel::ErlangC, 1e12, 1, 1, 0.99, 0.9, 5000).servers, 5000);
  EXPECT_EQ(servers_for_slo(QueueModel::ErlangC, 10, 0, 1, 0.99, 0.9, 77).servers, 77);
}

TEST(ServersForSlo, StricterTargetsNeedMoreServers) {
  std::int64_t previous = 0;
  for (double p : {0.5, 0.9, 0.99, 0.999, 0.9999}) {
    const std::int64_t c =
        servers_for_slo(QueueModel::ErlangC, 50, 10, 0.05, p, 0.95, 1000).servers;
    EXPECT_GE(c, previous) << p;
    previous = c;
  }
  EXPECT_GT(previous, 6);  // 0.9999 needs more than the utilization floor of ceil(5 / 0.95)
}

}  // namespace
}  // namespace userscale
