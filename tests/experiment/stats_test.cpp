#include "experiment/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace userscale::experiment {
namespace {

// Two-sided 95 % critical values of Student's t from the standard table (e.g. NIST/SEMATECH
// e-Handbook of Statistical Methods, 1.3.6.7.2).
TEST(StudentT, MatchesTheTableAt975) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.303, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 3), 3.182, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 7), 2.365, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.262, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 29), 2.045, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.975, 100), 1.984, 1e-3);
}

TEST(StudentT, OtherLevelsAndLargeDf) {
  EXPECT_NEAR(student_t_quantile(0.95, 10), 1.812, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.995, 5), 4.032, 1e-3);
  // Tends to the normal quantile 1.95996.
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), 1.960, 1e-3);
}

TEST(StudentT, RejectsOutOfRangeArguments) {
  EXPECT_THROW(student_t_quantile(0.4, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.975, 0.5), std::invalid_argument);
}

TEST(ConfidenceInterval, MeanStddevAndHalfWidth) {
  // 1..5: mean 3, sample variance 2.5, half-width t(0.975, 4) * sqrt(2.5) / sqrt(5)
  // = 2.7764 * 0.70711 = 1.9632.
  const Interval ci = confidence_interval({1, 2, 3, 4, 5});
  EXPECT_EQ(ci.n, 5u);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  EXPECT_NEAR(ci.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(ci.half_width, 1.9632, 1e-4);
  EXPECT_NEAR(ci.low(), 3.0 - 1.9632, 1e-4);
  EXPECT_NEAR(ci.high(), 3.0 + 1.9632, 1e-4);
}

TEST(ConfidenceInterval, TwoValues) {
  // mean 11, stddev sqrt(2), half-width 12.706 * sqrt(2) / sqrt(2) = 12.706.
  const Interval ci = confidence_interval({10, 12});
  EXPECT_DOUBLE_EQ(ci.mean, 11.0);
  EXPECT_NEAR(ci.half_width, 12.706, 1e-3);
}

TEST(ConfidenceInterval, AbsentValuesAreLeftOut) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Interval ci = confidence_interval({nan, 4, nan, 6});
  EXPECT_EQ(ci.n, 2u);
  EXPECT_DOUBLE_EQ(ci.mean, 5.0);
  EXPECT_NEAR(ci.half_width, 12.706, 1e-3);
}

TEST(ConfidenceInterval, OneOrNoValueHasNoFiniteInterval) {
  const Interval one = confidence_interval({7});
  EXPECT_EQ(one.n, 1u);
  EXPECT_DOUBLE_EQ(one.mean, 7.0);
  EXPECT_TRUE(std::isinf(one.half_width));
  const Interval none = confidence_interval({});
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isinf(none.half_width));
}

TEST(ConfidenceInterval, IdenticalValuesHaveZeroWidth) {
  const Interval ci = confidence_interval({0.1 + 0.2, 0.3, 0.3});
  EXPECT_EQ(ci.half_width, 0.0);
}

Interval iv(double mean, double half, std::size_t n = 3) {
  Interval i;
  i.n = n;
  i.mean = mean;
  i.half_width = half;
  return i;
}

TEST(Overlap, TouchingIntervalsOverlap) {
  EXPECT_TRUE(overlap(iv(10, 1), iv(12, 1)));
  EXPECT_FALSE(overlap(iv(10, 1), iv(12.1, 1)));
  EXPECT_TRUE(overlap(iv(12.1, 1), iv(10, 1.2)));
}

// The seed declared "UserScale (+0.08%)" on GPU utilization 96.0 % against 95.92 %: with any
// spread between runs that is a tie.
TEST(Judge, SmallDifferenceWithOverlappingIntervalsIsATie) {
  const Verdict v = judge({iv(95.92, 1.5), iv(96.0, 1.2)}, Better::Higher);
  EXPECT_FALSE(v.winner.has_value());
  EXPECT_EQ(v.tied, (std::vector<std::size_t>{0, 1}));
}

TEST(Judge, SeparatedIntervalsNameTheWinnerByDirection) {
  const std::vector<Interval> c = {iv(2.41, 0.3), iv(4.85, 0.2), iv(3.6, 0.4)};
  Verdict lower = judge(c, Better::Lower);
  ASSERT_TRUE(lower.winner.has_value());
  EXPECT_EQ(*lower.winner, 0u);
  EXPECT_EQ(lower.tied, (std::vector<std::size_t>{0}));
  Verdict higher = judge(c, Better::Higher);
  ASSERT_TRUE(higher.winner.has_value());
  EXPECT_EQ(*higher.winner, 1u);
}

TEST(Judge, TheBestMustClearEveryOtherPolicy) {
  // 0 is best and clear of 1, but overlaps 2: a tie between 0 and 2.
  const Verdict v = judge({iv(100, 1), iv(90, 1), iv(98.5, 1)}, Better::Higher);
  EXPECT_FALSE(v.winner.has_value());
  EXPECT_EQ(v.tied, (std::vector<std::size_t>{0, 2}));
}

TEST(Judge, SingleRunsNeverWin) {
  const Verdict v =
      judge({iv(1, std::numeric_limits<double>::infinity(), 1), iv(5, 0.1)}, Better::Lower);
  EXPECT_FALSE(v.winner.has_value());
  EXPECT_EQ(v.tied.size(), 2u);
}

TEST(Judge, CandidatesWithoutValuesTakeNoPart) {
  const Verdict v = judge({iv(0, 0, 0), iv(5, 0.1), iv(7, 0.1)}, Better::Lower);
  ASSERT_TRUE(v.winner.has_value());
  EXPECT_EQ(*v.winner, 1u);
  const Verdict alone = judge({iv(0, 0, 0), iv(5, 0.1)}, Better::Lower);
  EXPECT_FALSE(alone.winner.has_value());
  EXPECT_EQ(alone.tied, (std::vector<std::size_t>{1}));
  EXPECT_TRUE(judge({iv(0, 0, 0)}, Better::Lower).tied.empty());
}

TEST(Judge, NoDirectionNoVerdict) {
  const Verdict v = judge({iv(1, 0.1), iv(5, 0.1)}, Better::None);
  EXPECT_FALSE(v.winner.has_value());
  EXPECT_TRUE(v.tied.empty());
}

TEST(Judge, ExactlyEqualPointsTie) {
  const Verdict v = judge({iv(3, 0), iv(3, 0)}, Better::Lower);
  EXPECT_FALSE(v.winner.has_value());
  EXPECT_EQ(v.tied.size(), 2u);
}

}  // namespace
}  // namespace userscale::experiment
