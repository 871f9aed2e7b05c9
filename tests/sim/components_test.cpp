// The simulator's parts: generator and distributions, histogram, arrival streams.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/arrivals.h"
#include "sim/distribution.h"
#include "sim/event_queue.h"
#include "sim/histogram.h"
#include "sim/ps_group.h"
#include "sim/rng.h"

namespace userscale::sim {
namespace {

TEST(Rng, SameSeedSameStreamOtherSeedOtherStream) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

TEST(Rng, DistributionMomentsMatchTheirParameters) {
  Rng rng(7);
  const int n = 400000;
  auto moments = [&](const config::DistSpec& d, double& mean, double& cv) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = sample(d, rng);
      s += x;
      s2 += x * x;
    }
    mean = s / n;
    cv = std::sqrt(s2 / n - mean * mean) / mean;
  };
  double mean = 0, cv = 0;
  moments(config::DistSpec::exponential(2.0), mean, cv);
  EXPECT_NEAR(mean, 2.0, 0.02);
  EXPECT_NEAR(cv, 1.0, 0.01);
  moments(config::DistSpec::lognormal(3.0, 0.5), mean, cv);
  EXPECT_NEAR(mean, 3.0, 0.02);
  EXPECT_NEAR(cv, 0.5, 0.01);
  moments({config::DistKind::Gamma, 1.5, 0.3}, mean, cv);
  EXPECT_NEAR(mean, 1.5, 0.01);
  EXPECT_NEAR(cv, 0.3, 0.01);
  moments(config::DistSpec::uniform(1.0, 3.0), mean, cv);
  EXPECT_NEAR(mean, 2.0, 0.01);
  EXPECT_NEAR(cv, (2.0 / std::sqrt(12.0)) / 2.0, 0.01);
  double poisson = 0;
  for (int i = 0; i < n; ++i) poisson += static_cast<double>(rng.poisson(4.5));
  EXPECT_NEAR(poisson / n, 4.5, 0.02);
}

TEST(EventQueue, OrdersByTimeThenBySchedulingOrder) {
  EventQueue q;
  q.push(2.0, EventKind::End, 1);
  q.push(1.0, EventKind::End, 2);
  q.push(2.0, EventKind::End, 3);
  q.push(1.0, EventKind::End, 4);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().a);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 4, 1, 3}));
}

TEST(PsGroup, SharesTheRateEquallyAndFinishesShortestFirst) {
  PsGroup g;
  g.advance(0.0);
  g.add(1.0, 1);
  g.add(3.0, 2);
  g.set_rate(0.5);  // two jobs on a unit server
  EXPECT_DOUBLE_EQ(g.next_finish(0.0), 2.0);
  g.advance(2.0);
  ASSERT_TRUE(g.front_done(2.0));
  EXPECT_EQ(g.pop_front(), 1u);
  g.set_rate(1.0);  // alone now: 2 units left
  EXPECT_DOUBLE_EQ(g.next_finish(2.0), 4.0);
}

TEST(Histogram, QuantilesWithinABucketAndExactMoments) {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.add(i * 0.001);  // 1 ms .. 1 s
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_NEAR(h.mean(), 0.5005, 1e-12);
  EXPECT_DOUBLE_EQ(h.max(), 1.0);
  EXPECT_NEAR(h.quantile(0.5), 0.5, 0.5 * 0.025);
  EXPECT_NEAR(h.quantile(0.99), 0.99, 0.99 * 0.025);
  EXPECT_NEAR(h.fraction_at_or_below(0.1), 0.1, 0.005);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0.0);
}

double count_until(ArrivalStream& s, double horizon) {
  double n = 0;
  for (Arrival a = s.next(); a.time < horizon; a = s.next()) ++n;
  return n;
}

TEST(Arrivals, RampDeliversTheIntegralOfItsRate) {
  config::LoadSpec l;
  l.kind = config::LoadKind::Ramp;
  l.from_rate = 100.0;
  l.to_rate = 300.0;
  l.start = 100.0;
  l.length = 200.0;
  ArrivalStream s(l, nullptr, Rng(3));
  // 100 s at 100/s, 200 s averaging 200/s, 100 s at 300/s: 10 000 + 40 000 + 30 000.
  EXPECT_NEAR(count_until(s, 400.0), 80000.0, 80000.0 * 0.01);
}

TEST(Arrivals, DiurnalAveragesItsMeanOverAPeriod) {
  config::LoadSpec l;
  l.kind = config::LoadKind::Diurnal;
  l.rate = 50.0;
  l.amplitude = 0.8;
  l.period = 1000.0;
  ArrivalStream s(l, nullptr, Rng(4));
  EXPECT_NEAR(count_until(s, 4000.0), 200000.0, 200000.0 * 0.01);
}

TEST(Arrivals, PerMinuteTraceSpreadsEachMinutesCountScaled) {
  config::Trace t;
  t.format = config::Trace::Format::PerMinute;
  t.minute_counts = {600.0, 0.0, 1200.0};
  config::LoadSpec l;
  l.kind = config::LoadKind::Trace;
  l.rate_scale = 10.0;
  l.time_scale = 0.5;  // minutes last 30 s
  ArrivalStream s(l, &t, Rng(5));
  EXPECT_NEAR(count_until(s, 30.0), 6000.0, 6000.0 * 0.05);
  EXPECT_NEAR(count_until(s, 60.0), 0.0, 0.5);  // the empty minute
  EXPECT_NEAR(count_until(s, 1e9), 12000.0, 12000.0 * 0.05);
}

TEST(Arrivals, RequestTraceKeepsTimesAndTokensAndReplicatesForRateScale) {
  config::Trace t;
  t.requests = {{0.0, 10, 1}, {2.0, 20, 2}, {4.0, 30, 3}};
  config::LoadSpec l;
  l.kind = config::LoadKind::Trace;
  l.time_scale = 0.5;
  l.rate_scale = 2.0;
  ArrivalStream s(l, &t, Rng(6));
  std::vector<double> times;
  std::vector<int> tokens;
  for (Arrival a = s.next(); std::isfinite(a.time); a = s.next()) {
    times.push_back(a.time);
    tokens.push_back(a.input_tokens);
  }
  EXPECT_EQ(times, (std::vector<double>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(tokens, (std::vector<int>{10, 10, 20, 20, 30, 30}));
}

}  // namespace
}  // namespace userscale::sim
