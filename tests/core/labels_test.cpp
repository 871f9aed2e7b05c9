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

TEST(LabelSelector, StringFormOfAStructuredSelectorRoundTrips) {
  LabelSelector s;
  s.match_labels = {{"app", "web"}, {"tier", "gpu"}};
  s.match_expressions = {{"zone", SelectorOp::In, {"b", "a"}},
                         {"legacy", SelectorOp::DoesNotExist, {}},
                         {"canary", SelectorOp::Exists, {}},
                         {"env", SelectorOp::NotIn, {"dev"}}};
  const std::string text = to_selector_string(s);
  EXPECT_EQ(text, "app=web,canary,env notin (dev),!legacy,tier=gpu,zone in (a,b)");
  auto parsed = parse_selector_string(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  ASSERT_EQ(parsed->size(), 6u);
  for (const Labels& l : std::vector<Labels>{
           {{"app", "web"}, {"tier", "gpu"}, {"zone", "a"}, {"canary", "1"}},
           {{"app", "web"}, {"tier", "gpu"}, {"zone", "c"}, {"canary", "1"}},
           {{"app", "web"}, {"tier", "gpu"}, {"zone", "a"}, {"canary", "1"}, {"legacy", "x"}},
           {{"app", "web"}, {"tier", "gpu"}, {"zone", "b"}}}) {
    bool all = true;
    for (const auto& q : *parsed) all = all && requirement_matches(q, l);
    EXPECT_EQ(all, s.matches(l));
  }
  EXPECT_EQ(to_selector_string(LabelSelector{}), "");
}

}  // namespace
}  // namespace userscale
