#include "core/labels.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

TEST(LabelSelector, MatchLabelsAndExpressions) {
  LabelSelector s;
  s.match_labels = {{"app", "web"}};
  s.match_expressions = {{"tier", SelectorOp::In, {"a", "b"}},
                         {"legacy", SelectorOp::DoesNotExist, {}}};
  EXPECT_TRUE(s.matches({{"app", "web"}, {"tier", "a"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "c"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "a"}, {"legacy", "1"}}));
  EXPECT_FALSE(s.matches({{"tier", "a"}}));
  EXPECT_TRUE(LabelSelector{}.matches({}));
}

TEST(LabelSelector, ParsesStringForm) {
  auto r = parse_selector_string("app=web, tier!=db,env in (a,b),!legacy,canary");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].op, SelectorOp::Equals);
  EXPECT_EQ((*r)[1].op, SelectorOp::NotEquals);
  EXPECT_EQ((*r)[2].op, SelectorOp::In);
  EXPECT_EQ((*r)[2].values.size(), 2u);
  EXPECT_EQ((*r)[3].op, SelectorOp::DoesNotExist);
  EXPECT_EQ((*r)[4].op, SelectorOp::Exists);
}

TEST(LabelSelector, RejectsMalformedStrings) {
  for (const char* bad : {"=web", "env in a,b", "a b", "x,,y", "env foo (a)"}) {
    EXPECT_FALSE(parse_selector_string(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace userscale
