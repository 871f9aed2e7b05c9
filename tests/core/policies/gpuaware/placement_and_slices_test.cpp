// What gpuaware learns about the scheduler: slices per GPU, whether GPUs are shared, and
// where new replicas land.
#include <gtest/gtest.h>

#include "core/policies/gpuaware/gpuaware_test_support.h"
#include "core/policies/gpuaware/placement_tracker.h"
#include "core/policies/gpuaware/slice_tracker.h"

namespace userscale {
namespace {

using namespace gpuaware_testing;

ClusterView view_of(const Observation& obs) {
  return build_cluster_view(obs, 15, 0.9, /*topology=*/true);
}

TEST(SliceTracker, LearnsFromAnUnschedulablePod) {
  const Time now = 100;
  const ClusterView v =
      view_of(observation(now, 3,
                          {serving("a", now, "gpu-0", mm1(10, 5)),
                           serving("b", now, "gpu-0", mm1(10, 5)), unscheduled("c")},
                          {gpu("gpu-0", {"a", "b"}, now)}, 10));
  SliceTracker slices(0);
  slices.observe(v, /*unschedulable=*/false);
  EXPECT_FALSE(slices.slices(v.gpus[0]));
  EXPECT_TRUE(slices.may_take(v.gpus[0], 2));  // unknown: it may
  EXPECT_TRUE(slices.shares(v.gpus[0]));       // two pods on one GPU
  slices.observe(v, /*unschedulable=*/true);   // c waited: gpu-0 is full with two
  EXPECT_EQ(slices.slices(v.gpus[0]), 2);
  EXPECT_FALSE(slices.may_take(v.gpus[0], 2));
  EXPECT_TRUE(slices.may_take(v.gpus[0], 1));

  SliceTracker configured(1);
  EXPECT_FALSE(configured.shares(v.gpus[0]));
  EXPECT_FALSE(configured.may_take(v.gpus[0], 1));
}

TEST(PlacementTracker, LearnsPackingFromALanding) {
  SliceTracker slices(0);
  PlacementTracker placement(PlacementParam::Auto);
  EXPECT_EQ(placement.belief(), Placement::Spread);  // until a landing is seen
  EXPECT_FALSE(placement.known());
  const ClusterView before = view_of(observation(0, 1, {serving("a", 0, "gpu-0", mm1(10, 5))},
                                                 {gpu("gpu-0", {"a"}, 0), gpu("gpu-1", {}, 0)}, 5));
  placement.observe(before, slices);
  // b lands beside a although gpu-1 was empty: the scheduler packs.
  const ClusterView after =
      view_of(observation(5, 2, {serving("a", 5, "gpu-0", mm1(10, 5)), starting("b", 5, "gpu-0")},
                          {gpu("gpu-0", {"a", "b"}, 5), gpu("gpu-1", {}, 5)}, 5));
  placement.observe(after, slices);
  EXPECT_TRUE(placement.known());
  EXPECT_EQ(placement.belief(), Placement::Packed);
}

TEST(PlacementTracker, LearnsSpreadingFromALanding) {
  SliceTracker slices(4);
  PlacementTracker placement(PlacementParam::Auto);
  placement.observe(
      view_of(observation(
          0, 2, {serving("a", 0, "gpu-0", mm1(10, 5)), serving("b", 0, "gpu-0", mm1(10, 5))},
          {gpu("gpu-0", {"a", "b"}, 0), gpu("gpu-1", {"x"}, 0), gpu("gpu-2", {}, 0)}, 5)),
      slices);
  // c goes to the empty gpu-2 while gpu-0 (two pods, room for four) could take it: spread.
  placement.observe(
      view_of(observation(
          5, 3,
          {serving("a", 5, "gpu-0", mm1(10, 5)), serving("b", 5, "gpu-0", mm1(10, 5)),
           starting("c", 5, "gpu-2")},
          {gpu("gpu-0", {"a", "b"}, 5), gpu("gpu-1", {"x"}, 5), gpu("gpu-2", {"c"}, 5)}, 5)),
      slices);
  EXPECT_EQ(placement.belief(), Placement::Spread);
  EXPECT_TRUE(placement.known());
  // Configured, it is not learned.
  PlacementTracker packed(PlacementParam::Packed);
  EXPECT_EQ(packed.belief(), Placement::Packed);
  EXPECT_TRUE(packed.known());
}

}  // namespace
}  // namespace userscale
