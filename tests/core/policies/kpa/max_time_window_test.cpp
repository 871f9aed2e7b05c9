// The scale-down-delay window (kpa-spec.md §6). Expected values from upstream
// pkg/autoscaler/aggregation/max/window_test.go and timewindow_test.go, and worked example 4.
#include "core/policies/kpa/max_time_window.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace userscale::kpa {
namespace {

struct WindowCase {
  const char* name;
  std::vector<std::int32_t> values;
  std::vector<std::int32_t> expect;
  std::function<int(int)> index = [](int i) { return i; };
};

// Upstream TestWindowMax: a 5-slot window, one value per slot index.
TEST(MaxTimeWindow, UpstreamWindowMax) {
  const std::vector<WindowCase> cases = {
      {"single value", {1}, {1}},
      {"ascending values", {1, 2}, {1, 2}},
      {"descending values", {2, 1}, {2, 2}},
      {"up, down, up", {1, 2, 1}, {1, 2, 2}},
      {"windowing out", {5, 6, 5, 5, 5, 5, 5}, {5, 6, 6, 6, 6, 6, 5}},
      {"windowing out with gaps",
       {6, 5, 2, 1},
       {6, 6, 6, 2},
       [](int i) { return i >= 3 ? i + 3 : i; }},
      {"windowing out 2", {5, 6, 5, 7, 5, 5, 1}, {5, 6, 6, 7, 7, 7, 7}},
      {"windowing out 3", {5, 8, 5, 7, 5, 5}, {5, 8, 8, 8, 8, 8}},
      {"windowing out 4", {5, 8, 5, 7, 5, 5, 1}, {5, 8, 8, 8, 8, 8, 7}},
      {"windowing out 5", {5, 8, 5, 7, 5, 5, 1, 4, 4, 4}, {5, 8, 8, 8, 8, 8, 7, 7, 5, 5}},
      {"windowing out 6", {5, 8, 5, 7, 5, 5, 1, 4, 4, 4, 4}, {5, 8, 8, 8, 8, 8, 7, 7, 5, 5, 4}},
      {"windowing out 7",
       {5, 8, 5, 7, 5, 5, 1, 4, 4, 4, 4, 9},
       {5, 8, 8, 8, 8, 8, 7, 7, 5, 5, 4, 9}},
      {"windowing out 8",
       {5, 8, 5, 7, 5, 5, 1, 4, 4, 4, 4, 9, 3, 4, 2, 1, 0},
       {5, 8, 8, 8, 8, 8, 7, 7, 5, 5, 4, 9, 9, 9, 9, 9, 4}},
      {"multiple with same index, ascending",
       {1, 2, 3, 4, 5, 6, 7},
       {1, 2, 3, 4, 5, 6, 7},
       [](int) { return 1; }},
      {"multiple with same index, descending",
       {7, 6, 5, 4, 3, 2, 1},
       {7, 7, 7, 7, 7, 7, 7},
       [](int) { return 1; }},
  };
  for (const WindowCase& c : cases) {
    MaxTimeWindow w(5, 1);
    std::vector<std::int32_t> got;
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      w.record(c.index(static_cast<int>(i)), c.values[i]);
      got.push_back(w.current());
    }
    EXPECT_EQ(got, c.expect) << c.name;
  }
}

// Upstream TestTimedWindowMax: a 5 s window at 1 s granularity.
TEST(MaxTimeWindow, UpstreamTimedWindowMax) {
  const Time now = 1000.25;
  {
    MaxTimeWindow w(5, 1);
    w.record(now, 5);
    EXPECT_EQ(w.current(), 5);
  }
  {
    MaxTimeWindow w(5, 1);
    w.record(now, 6);
    w.record(now + 0.5, 5);  // same second
    EXPECT_EQ(w.current(), 6);
  }
  {
    MaxTimeWindow w(5, 1);
    w.record(now, 5);
    w.record(now + 1, 8);
    EXPECT_EQ(w.current(), 8);
  }
  {
    MaxTimeWindow w(5, 1);
    w.record(now, 5);
    w.record(now + 6, 4);  // time gap
    EXPECT_EQ(w.current(), 4);
  }
}

TEST(MaxTimeWindow, WorkedExample4) {
  MaxTimeWindow w(300, 2);
  EXPECT_EQ(w.size(), 150);
  w.record(2, 4);
  EXPECT_EQ(w.current(), 4);
  w.record(300, 0);  // slot 150 - slot 1 = 149 < 150: the 4 still holds
  EXPECT_EQ(w.current(), 4);
  w.record(302, 0);  // slot 151: the 4 is 150 slots old and leaves
  EXPECT_EQ(w.current(), 0);
}

TEST(MaxTimeWindow, SizeRoundsUpAndSlotsAreTwoSeconds) {
  MaxTimeWindow w(5, 2);
  EXPECT_EQ(w.size(), 3);
  EXPECT_EQ(w.slot_of(0), 0);
  EXPECT_EQ(w.slot_of(1.9), 0);
  EXPECT_EQ(w.slot_of(2), 1);
  EXPECT_EQ(w.slot_of(-1), -1);
}

}  // namespace
}  // namespace userscale::kpa
