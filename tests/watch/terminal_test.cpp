#include "watch/terminal.h"

#include <gtest/gtest.h>

namespace userscale::watch {
namespace {

TEST(Keys, ParsesTheKeysOfTheView) {
  using K = std::vector<Key>;
  EXPECT_EQ(parse_keys("q"), K({Key::Quit}));
  EXPECT_EQ(parse_keys("Q"), K({Key::Quit}));
  EXPECT_EQ(parse_keys("p"), K({Key::Pause}));
  EXPECT_EQ(parse_keys("\t"), K({Key::Next}));
  EXPECT_EQ(parse_keys("\x1b[C"), K({Key::Next}));     // right arrow
  EXPECT_EQ(parse_keys("\x1bOC"), K({Key::Next}));     // right arrow, application mode
  EXPECT_EQ(parse_keys("\x1b[D"), K({Key::Prev}));     // left arrow
  EXPECT_EQ(parse_keys("\x1b[Z"), K({Key::Prev}));     // shift-tab
  EXPECT_EQ(parse_keys("\x1b[1;5C"), K({Key::Next}));  // ctrl-right
  EXPECT_EQ(parse_keys("\x1b[A\x1b[Bxyz"), K());       // up, down, letters: nothing
  EXPECT_EQ(parse_keys("\x1b[Cp\x1b[Dq"), K({Key::Next, Key::Pause, Key::Prev, Key::Quit}));
}

TEST(Frame, StylesAndSanitizes) {
  std::vector<ScreenLine> lines = {ScreenLine{{Span{"top", Style::Title}}},
                                   ScreenLine{{Span{"evil\x1b]0;x\x07", Style::Normal}}}};
  const std::string f = frame_bytes(lines);
  EXPECT_EQ(f.rfind("\x1b[H", 0), 0u);
  EXPECT_NE(f.find("\x1b[1mtop\x1b[0m\x1b[K\r\n"), std::string::npos);
  EXPECT_NE(f.find("evil?]0;x?\x1b[K"), std::string::npos);
  EXPECT_EQ(f.substr(f.size() - 3), "\x1b[J");
}

}  // namespace
}  // namespace userscale::watch
