// "Did you mean ...?" suggestions: near misses are suggested, different words are not.
#include "config/closest_name.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("maxReplica", "maxReplicas"), 1u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

TEST(EditDistance, IgnoresCase) {
  EXPECT_EQ(edit_distance("minreplicas", "minReplicas"), 0u);
  EXPECT_EQ(edit_distance("MAX", "Max"), 0u);
}

TEST(ClosestName, SuggestsNearMisses) {
  const std::vector<std::string_view> fields = {"scaleTargetRef", "minReplicas", "maxReplicas",
                                                "metrics", "behavior"};
  EXPECT_EQ(closest_name("maxReplica", fields), "maxReplicas");
  EXPECT_EQ(closest_name("metric", fields), "metrics");
  EXPECT_EQ(closest_name("behaviour", fields), "behavior");
  EXPECT_EQ(closest_name("scaletargetref", fields), "scaleTargetRef");
}

TEST(ClosestName, StaysQuietForDifferentWords) {
  const std::vector<std::string_view> fields = {"scaleTargetRef", "minReplicas", "maxReplicas",
                                                "metrics", "behavior"};
  EXPECT_FALSE(closest_name("policy", fields).has_value());
  EXPECT_FALSE(closest_name("ab", {"cd"}).has_value());
  EXPECT_FALSE(closest_name("x", {"y"}).has_value());
  EXPECT_FALSE(closest_name("anything", {}).has_value());
}

TEST(ClosestName, PrefersTheNearestThenTheFirst) {
  EXPECT_EQ(closest_name("kpaa", {"hpa", "kpa"}), "kpa");
  EXPECT_EQ(closest_name("Mox", {"Max", "Min"}), "Max");
}

}  // namespace
}  // namespace userscale
