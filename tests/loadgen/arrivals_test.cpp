#include "loadgen/arrivals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "loadgen/endpoint_mix.h"

namespace userscale::loadgen {
namespace {

TEST(Arrivals, ConstantRateIsEvenlySpacedFromZero) {
  const auto t = arrival_times(flat_rate(100), 100, 2.0, Arrival::Constant, 1);
  ASSERT_EQ(t.size(), 200u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], i * 0.01, 1e-6) << i;
}

TEST(Arrivals, PoissonHasTheRateAndExponentialGaps) {
  const auto t = arrival_times(flat_rate(1000), 1000, 10.0, Arrival::Poisson, 42);
  // 10000 expected, standard deviation 100: 4 sigma.
  EXPECT_NEAR(static_cast<double>(t.size()), 10'000.0, 400.0);
  double sum = 0.0, sq = 0.0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double gap = t[i] - t[i - 1];
    EXPECT_GE(gap, 0.0);
    sum += gap;
    sq += gap * gap;
  }
  const double n = static_cast<double>(t.size() - 1);
  const double mean = sum / n;
  const double cv = std::sqrt(sq / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 0.001, 0.00005);
  EXPECT_NEAR(cv, 1.0, 0.05);  // exponential gaps: standard deviation equals the mean
  EXPECT_EQ(t, arrival_times(flat_rate(1000), 1000, 10.0, Arrival::Poisson, 42));
  EXPECT_NE(t, arrival_times(flat_rate(1000), 1000, 10.0, Arrival::Poisson, 43));
}

TEST(Arrivals, RampAndSpikeFollowTheirCurves) {
  // Ramp from 10 to 100 per second over 10 s: the integral is 550.
  const auto ramp = arrival_times(ramp_rate(100, 10), 100, 10.0, Arrival::Constant, 1);
  EXPECT_NEAR(static_cast<double>(ramp.size()), 550.0, 2.0);
  // Spike: 25/s except 100/s in [4, 6): 8 * 25 + 2 * 100 = 400.
  const auto spike = arrival_times(spike_rate(100, 10), 100, 10.0, Arrival::Constant, 1);
  EXPECT_NEAR(static_cast<double>(spike.size()), 400.0, 2.0);
  const auto in_spike =
      std::count_if(spike.begin(), spike.end(), [](double x) { return x >= 4.0 && x < 6.0; });
  EXPECT_NEAR(static_cast<double>(in_spike), 200.0, 2.0);
  // Burst: 2 s at 50/s, 2 s at 5/s, twice: 2 * (100 + 10).
  const auto burst = arrival_times(burst_rate(50, 2, 2), 50, 8.0, Arrival::Constant, 1);
  EXPECT_NEAR(static_cast<double>(burst.size()), 220.0, 2.0);
}

TEST(Arrivals, SteppedRateSpreadsPerMinuteCountsWithSpeedup) {
  // 60 and 120 requests per minute, replayed 60x faster: 1 s at 60/s, 1 s at 120/s.
  const auto t = arrival_times(stepped_rate({60, 120}, 60.0, 60.0), 120, 2.0, Arrival::Constant, 1);
  EXPECT_NEAR(static_cast<double>(t.size()), 180.0, 2.0);
}

TEST(EndpointMix, ParsesNamesTargetsAndWeights) {
  auto mix = EndpointMix::parse("sort:3,/healthz:1", WorkloadSizes{});
  ASSERT_TRUE(mix.ok()) << mix.error().to_string();
  ASSERT_EQ(mix->specs().size(), 2u);
  EXPECT_EQ(mix->specs()[0].target, "/sort?size=100000");
  EXPECT_EQ(mix->specs()[1].target, "/healthz");
  EXPECT_EQ(mix->pick(0.0).name, "sort");
  EXPECT_EQ(mix->pick(0.74).name, "sort");
  EXPECT_EQ(mix->pick(0.76).name, "/healthz");
  auto infer = EndpointMix::parse("infer", WorkloadSizes{});
  ASSERT_TRUE(infer.ok());
  EXPECT_EQ(infer->specs()[0].method, "POST");
  EXPECT_EQ(infer->specs()[0].body.substr(0, 2), "P5");
}

TEST(EndpointMix, RejectsBadInput) {
  EXPECT_FALSE(EndpointMix::parse("", WorkloadSizes{}).ok());
  EXPECT_FALSE(EndpointMix::parse("sort:x", WorkloadSizes{}).ok());
  EXPECT_FALSE(EndpointMix::parse("sort:-1", WorkloadSizes{}).ok());
  EXPECT_FALSE(EndpointMix::parse("sort:0", WorkloadSizes{}).ok());
  auto unknown = EndpointMix::parse("bogus:1", WorkloadSizes{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown endpoint \"bogus\""), std::string::npos);
}

}  // namespace
}  // namespace userscale::loadgen
