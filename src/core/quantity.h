// Kubernetes resource.Quantity, held as an integer number of milli-units, as the HPA does
// (Quantity.MilliValue()). Parsing and formatting are pure string arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace userscale {

struct ParsedQuantity {
  std::int64_t milli = 0;  // rounded up like Quantity.MilliValue(), saturating at int64 limits
  double approx = 0.0;     // Quantity.AsApproximateFloat64()
};

// Parses the Kubernetes quantity grammar: sign, digits with an optional fraction, and a
// suffix (decimal SI n u m k M G T P E, binary Ki..Ei, or an exponent e/E). nullopt when the
// text is not a quantity.
std::optional<ParsedQuantity> parse_quantity(std::string_view text);

// Canonical decimal form of a milli value: "400m", "2", "1500m".
std::string format_milli(std::int64_t milli);

// Sums and products of milli-values that stop at the int64 limits instead of overflowing: the
// API can hand any quantity, and a wrapped sum would be undefined behaviour (found by fuzzing).
std::int64_t saturating_add(std::int64_t a, std::int64_t b);
std::int64_t saturating_mul(std::int64_t a, std::int64_t b);

}  // namespace userscale
