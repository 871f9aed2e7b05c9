#include "experiment/pareto.h"

#include <gtest/gtest.h>

namespace userscale::experiment {
namespace {

TEST(ParetoFront, KeepsOnlyNonDominatedPointsSortedByCost) {
  // 0 (1, 50), 1 (2, 80), 2 (3, 70) dominated by 1, 3 (4, 99), 4 (2, 60) dominated by 1,
  // 5 (0.5, 10).
  const std::vector<CostSloPoint> pts = {{1, 50}, {2, 80}, {3, 70}, {4, 99}, {2, 60}, {0.5, 10}};
  EXPECT_EQ(pareto_front(pts), (std::vector<std::size_t>{5, 0, 1, 3}));
}

TEST(ParetoFront, EqualCostKeepsOnlyTheBetterSlo) {
  const std::vector<CostSloPoint> pts = {{1, 50}, {1, 60}};
  EXPECT_EQ(pareto_front(pts), (std::vector<std::size_t>{1}));
}

TEST(ParetoFront, DuplicatesAreAllKept) {
  const std::vector<CostSloPoint> pts = {{1, 50}, {1, 50}, {2, 40}};
  EXPECT_EQ(pareto_front(pts), (std::vector<std::size_t>{0, 1}));
}

TEST(ParetoFront, OneDominantPoint) {
  const std::vector<CostSloPoint> pts = {{3, 90}, {1, 99}, {2, 95}};
  EXPECT_EQ(pareto_front(pts), (std::vector<std::size_t>{1}));
}

TEST(ParetoFront, Empty) {
  EXPECT_TRUE(pareto_front({}).empty());
}

}  // namespace
}  // namespace userscale::experiment
