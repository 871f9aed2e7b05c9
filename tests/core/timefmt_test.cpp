#include "core/timefmt.h"

#include <gtest/gtest.h>

namespace userscale {
namespace {

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_DOUBLE_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_rfc3339("2025-06-01T12:00:00Z"), 1748779200.0);
  EXPECT_DOUBLE_EQ(*parse_rfc3339("2025-06-01T14:00:00+02:00"), 1748779200.0);
  EXPECT_DOUBLE_EQ(*parse_rfc3339("2025-06-01T12:00:00.5Z"), 1748779200.5);
  EXPECT_DOUBLE_EQ(*parse_rfc3339("2024-02-29T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z"),
                   86400.0);
}

TEST(Rfc3339, RejectsMalformed) {
  for (const char* bad : {"", "2025-06-01", "2025-06-01 12:00:00Z", "2025-13-01T00:00:00Z",
                          "2025-02-30T00:00:00Z", "2025-06-01T12:00:00", "2025-06-01T25:00:00Z",
                          "2025-06-01T12:00:00Zjunk", "2025-06-01T12:00:00."}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(Rfc3339, FormatRoundTrips) {
  for (const char* s :
       {"2025-06-01T12:00:00Z", "1999-12-31T23:59:59Z", "2025-06-01T12:00:00.250Z"}) {
    EXPECT_EQ(format_rfc3339(*parse_rfc3339(s)), s);
  }
}

TEST(GoDuration, ParsesUnits) {
  EXPECT_DOUBLE_EQ(*parse_go_duration("60s"), 60.0);
  EXPECT_DOUBLE_EQ(*parse_go_duration("1m30s"), 90.0);
  EXPECT_DOUBLE_EQ(*parse_go_duration("1.5h"), 5400.0);
  EXPECT_DOUBLE_EQ(*parse_go_duration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_go_duration("0"), 0.0);
  EXPECT_FALSE(parse_go_duration("60").has_value());
  EXPECT_FALSE(parse_go_duration("s").has_value());
  EXPECT_FALSE(parse_go_duration("5d").has_value());
}

}  // namespace
}  // namespace userscale
