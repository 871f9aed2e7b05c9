#include "core/decision_record.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

Decision scaled() {
  Decision d;
  d.current_replicas = 1;
  d.desired_replicas = 3;
  d.rescale = true;
  d.metrics_evaluated = true;
  d.recommendation.desired_replicas = 3;
  d.recommendation.metrics = {{"users", 25.0, 10.0, 2.5, 3, {}, {}, ""},
                              {"cpu", 75.2, 50.0, 1.5, 2, {}, {}, ""},
                              {"gpu", {}, 60.0, {}, {}, {}, std::string("no samples"), ""}};
  return d;
}

TEST(DecisionRecord, ScaledLineListsSignals) {
  EXPECT_EQ(human_line(scaled()), "SCALED 1 -> 3 (users=25 cpu=75.2 gpu=n/a)");
}

TEST(DecisionRecord, HoldLineNamesTheBlockingRule) {
  Decision d = scaled();
  d.desired_replicas = 1;
  d.rescale = false;
  d.bound_by = "cooldown (12 s left)";
  EXPECT_EQ(human_line(d),
            "HOLD 1 (wanted 3): blocked by cooldown (12 s left) [users=25 cpu=75.2 gpu=n/a]");
}

TEST(DecisionRecord, InvalidProposalSaysWhy) {
  Decision d;
  d.current_replicas = 4;
  d.desired_replicas = 4;
  d.metrics_evaluated = true;
  d.recommendation.valid = false;
  d.reason = "gpu metric stale: not scaling down on doubt";
  EXPECT_EQ(human_line(d), "HOLD 4: gpu metric stale: not scaling down on doubt");
}

}  // namespace
}  // namespace userscale
