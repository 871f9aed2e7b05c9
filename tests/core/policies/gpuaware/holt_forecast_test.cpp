// Holt's linear trend over irregular samples, against values worked out by hand.
#include "core/policies/gpuaware/holt_forecast.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

TEST(HoltForecaster, MatchesTheRecurrenceByHand) {
  HoltForecaster f(0.5, 0.5, 60);
  EXPECT_FALSE(f.forecast(10));
  f.update(0, 10);  // L = 10, b = 0
  EXPECT_DOUBLE_EQ(*f.forecast(10), 10);
  // dt 5: L = 0.5 x 20 + 0.5 x (10 + 0) = 15; b = 0.5 x (15 - 10) / 5 + 0.5 x 0 = 0.5.
  f.update(5, 20);
  EXPECT_DOUBLE_EQ(*f.level(), 15);
  EXPECT_DOUBLE_EQ(f.trend(), 0.5);
  // dt 5: L = 0.5 x 30 + 0.5 x (15 + 2.5) = 23.75; b = 0.5 x 8.75 / 5 + 0.5 x 0.5 = 1.125.
  f.update(10, 30);
  EXPECT_DOUBLE_EQ(*f.level(), 23.75);
  EXPECT_DOUBLE_EQ(f.trend(), 1.125);
  EXPECT_DOUBLE_EQ(*f.forecast(10), 35.0);  // 23.75 + 1.125 x 10
}

TEST(HoltForecaster, FollowsALinearRamp) {
  HoltForecaster f(0.5, 0.3, 60);
  for (int i = 0; i <= 60; ++i) f.update(5.0 * i, 10 + 2 * 5.0 * i);  // 10 + 2 t
  // At t = 300 the rate is 610; 30 s later it will be 670.
  EXPECT_NEAR(*f.forecast(30), 670, 670 * 0.01);
  EXPECT_NEAR(f.trend(), 2, 0.02);
}

TEST(HoltForecaster, StaysFlatOnAConstantAndNeverGoesNegative) {
  HoltForecaster f(0.5, 0.3, 60);
  for (int i = 0; i < 20; ++i) f.update(5.0 * i, 42);
  EXPECT_DOUBLE_EQ(*f.forecast(100), 42);
  HoltForecaster down(0.5, 0.3, 60);
  for (int i = 0; i < 20; ++i) down.update(5.0 * i, 100 - 5.0 * i);  // falling to 5
  EXPECT_DOUBLE_EQ(*down.forecast(600), 0);
}

TEST(HoltForecaster, RestartsAfterAGapAndIgnoresOldSamples) {
  HoltForecaster f(0.5, 0.5, 60);
  f.update(0, 10);
  f.update(5, 20);
  f.update(5, 1000);  // same instant: ignored
  EXPECT_DOUBLE_EQ(*f.level(), 15);
  f.update(500, 7);  // after a gap: the old trend says nothing
  EXPECT_DOUBLE_EQ(*f.level(), 7);
  EXPECT_DOUBLE_EQ(f.trend(), 0);
}

}  // namespace
}  // namespace userscale
