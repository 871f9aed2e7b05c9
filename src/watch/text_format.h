// Small text helpers of the view: numbers that may be unknown, times, durations, bytes, bars
// and sparklines, and width arithmetic on UTF-8 text (every glyph used here is one column).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace userscale::watch {

// "n/a" when unknown; `digits` after the point, trailing ".0" kept for steadiness.
std::string num(std::optional<double> v, int digits = 1);
// "42s", "5m03s", "2h05m"; "n/a" when unknown.
std::string age(std::optional<double> seconds);
// A replay's simulated time "+00:05:10", or a unix time "12:34:56Z" (UTC).
std::string clock_text(double t, bool relative);
// "1.2/16.0 GiB", "n/a".
std::string memory_text(std::optional<double> used, std::optional<double> total);

// Columns the text takes on a terminal (UTF-8 code points).
std::size_t columns(std::string_view text);
// Cut to at most `width` columns.
std::string truncate(std::string_view text, std::size_t width);
std::string pad(std::string_view text, std::size_t width);

// One glyph per value, scaled to [0, top]; unknown values are blank. Unicode blocks, or ASCII
// " .:-=+*#" where the terminal is not UTF-8.
std::string sparkline(const std::vector<std::optional<int>>& values, int top, bool unicode);
// "[######----]" for a percentage.
std::string bar(std::optional<double> percent, int width);

}  // namespace userscale::watch
