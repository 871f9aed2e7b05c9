#include <gtest/gtest.h>

#include "test_helpers.h"

namespace userscale::sim {
namespace {

TEST(SimSmoke, ClosedLoopRunsAndCompletesRequests) {
  auto sc = testing::queueing_scenario(1, 1, 0.1);
  sc.load.kind = config::LoadKind::Closed;
  sc.load.users = 2;
  sc.duration = 100.0;
  auto summary = simulate({&sc, testing::keep_policy(), nullptr, nullptr});
  ASSERT_TRUE(summary.ok()) << summary.error().to_string();
  // Two users on one exclusive GPU with no think time keep it busy: about 1000 completions.
  EXPECT_GT(summary->completed, 900u);
  EXPECT_LT(summary->completed, 1100u);
  EXPECT_EQ(summary->failed, 0u);
}

}  // namespace
}  // namespace userscale::sim
