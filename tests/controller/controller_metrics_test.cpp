#include "controller/controller_metrics.h"

#include <gtest/gtest.h>

namespace userscale::controller {
namespace {

// Followers of the desired count (KEDA, an HPA on the gauge) must see "unknown", not 0, before
// the first decision: 0 would read as "scale to zero".
TEST(ControllerMetrics, DesiredReplicasIsUnknownUntilTheFirstDecision) {
  ControllerMetrics m;
  m.register_target("ns/web", "fake");
  EXPECT_FALSE(m.desired_replicas("ns/web").has_value());
  EXPECT_FALSE(m.desired_replicas("ns/other").has_value());
  const std::string before = m.render();
  EXPECT_EQ(before.find("userscale_desired_replicas{"), std::string::npos) << before;
  EXPECT_NE(before.find("userscale_current_replicas{target=\"ns/web\"} 0"), std::string::npos);

  m.set_replicas("ns/web", 3, 2, 2);
  ASSERT_TRUE(m.desired_replicas("ns/web").has_value());
  EXPECT_EQ(*m.desired_replicas("ns/web"), 3);
  EXPECT_NE(m.render().find("userscale_desired_replicas{target=\"ns/web\"} 3"), std::string::npos);
  m.set_replicas("ns/web", 0, 1, 1);
  EXPECT_EQ(*m.desired_replicas("ns/web"), 0);
}

}  // namespace
}  // namespace userscale::controller
