// Pure conversions between text and time. Times in core are seconds since the Unix epoch as
// double (exact for whole and millisecond instants); nothing here reads a clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace userscale {

using Time = double;      // seconds since 1970-01-01T00:00:00Z
using Duration = double;  // seconds

// RFC 3339 ("2025-06-01T12:00:00Z", "…12:00:00.25+02:00"). nullopt when malformed.
std::optional<Time> parse_rfc3339(std::string_view text);
std::string format_rfc3339(Time t);

// Go's time.Duration text ("60s", "1m30s", "1.5h", "250ms"). nullopt when malformed.
std::optional<Duration> parse_go_duration(std::string_view text);

}  // namespace userscale
