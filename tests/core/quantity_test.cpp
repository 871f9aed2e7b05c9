#include "core/quantity.h"

#include <gtest/gtest.h>

#include <limits>

namespace userscale {
namespace {

std::int64_t milli(const char* s) {
  auto q = parse_quantity(s);
  EXPECT_TRUE(q.has_value()) << s;
  return q ? q->milli : -1;
}

TEST(Quantity, DecimalAndSuffixes) {
  EXPECT_EQ(milli("500m"), 500);
  EXPECT_EQ(milli("2"), 2000);
  EXPECT_EQ(milli("1.5"), 1500);
  EXPECT_EQ(milli("15"), 15000);
  EXPECT_EQ(milli("2k"), 2000000);
  EXPECT_EQ(milli("1Ki"), 1024000);
  EXPECT_EQ(milli("1Mi"), 1048576000);
  EXPECT_EQ(milli("1e3"), 1000000);
  EXPECT_EQ(milli("1E-3"), 1);
  EXPECT_EQ(milli("+7"), 7000);
  EXPECT_EQ(milli("0"), 0);
}

TEST(Quantity, MilliValueRoundsUpLikeKubernetes) {
  EXPECT_EQ(milli("100u"), 1);  // 0.1 milli rounds up to 1
  EXPECT_EQ(milli("1n"), 1);
  EXPECT_EQ(milli("0.0015"), 2);   // 1.5 milli -> 2
  EXPECT_EQ(milli("-1500u"), -1);  // toward +inf for negatives
}

TEST(Quantity, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(milli("100E"), INT64_MAX);
  EXPECT_EQ(milli("99999999999999999999999999999999999"), INT64_MAX);
}

TEST(Quantity, RejectsGarbage) {
  for (const char* bad : {"", "m", "abc", "1.2.3", "5x", "1 k", "--1", "1Ki2", "1e"}) {
    EXPECT_FALSE(parse_quantity(bad).has_value()) << bad;
  }
}

TEST(Quantity, ApproximateValue) {
  EXPECT_DOUBLE_EQ(parse_quantity("0.05")->approx, 0.05);
  EXPECT_DOUBLE_EQ(parse_quantity("2Ki")->approx, 2048.0);
}

TEST(Quantity, Formats) {
  EXPECT_EQ(format_milli(400), "400m");
  EXPECT_EQ(format_milli(2000), "2");
  EXPECT_EQ(format_milli(2867), "2867m");
  EXPECT_EQ(format_milli(0), "0");
}

TEST(Quantity, SumsAndProductsStopAtTheLimitsInsteadOfOverflowing) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(saturating_add(2, 3), 5);
  EXPECT_EQ(saturating_add(kMax, 1111), kMax);
  EXPECT_EQ(saturating_add(kMin, -1), kMin);
  EXPECT_EQ(saturating_mul(-4, 25), -100);
  EXPECT_EQ(saturating_mul(kMax / 2, 100), kMax);
  EXPECT_EQ(saturating_mul(kMax / 2, -100), kMin);
}

}  // namespace
}  // namespace userscale
