#include "core/quantity.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace userscale {
namespace {

using i128 = __int128;
constexpr i128 kMax = std::numeric_limits<std::int64_t>::max();

struct Suffix {
  int pow10 = 0;  // multiply by 10^pow10
  int pow2 = 0;   // multiply by 2^pow2
};

std::optional<Suffix> parse_suffix(std::string_view s) {
  if (s.empty()) return Suffix{};
  if (s.size() == 2 && s[1] == 'i') {
    switch (s[0]) {
      case 'K':
        return Suffix{0, 10};
      case 'M':
        return Suffix{0, 20};
      case 'G':
        return Suffix{0, 30};
      case 'T':
        return Suffix{0, 40};
      case 'P':
        return Suffix{0, 50};
      case 'E':
        return Suffix{0, 60};
      default:
        return std::nullopt;
    }
  }
  if (s.size() == 1) {
    switch (s[0]) {
      case 'n':
        return Suffix{-9, 0};
      case 'u':
        return Suffix{-6, 0};
      case 'm':
        return Suffix{-3, 0};
      case 'k':
        return Suffix{3, 0};
      case 'M':
        return Suffix{6, 0};
      case 'G':
        return Suffix{9, 0};
      case 'T':
        return Suffix{12, 0};
      case 'P':
        return Suffix{15, 0};
      case 'E':
        return Suffix{18, 0};
      default:
        break;
    }
  }
  if (s[0] == 'e' || s[0] == 'E') {
    std::string_view e = s.substr(1);
    bool neg = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      neg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 4) return std::nullopt;
    int v = 0;
    for (char c : e) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return Suffix{neg ? -v : v, 0};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParsedQuantity> parse_quantity(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Mantissa: digits, optionally a '.', optionally more digits; at least one digit.
  std::string digits;
  int frac_digits = 0;
  bool seen_dot = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
      if (seen_dot) ++frac_digits;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  auto suffix = parse_suffix(s.substr(i));
  if (!suffix) return std::nullopt;

  // Exact value = digits * 10^(pow10 - frac_digits) * 2^pow2. Milli = value * 1000, rounded
  // up (away from zero for the magnitude, as Quantity.MilliValue rounds up the scaled value).
  // Strip leading zeros so that long zero-padded inputs still fit.
  std::size_t nz = digits.find_first_not_of('0');
  std::string sig = nz == std::string::npos ? "0" : digits.substr(nz);
  int exp10 = suffix->pow10 - frac_digits + 3;
  // Trim trailing zeros into the exponent.
  while (sig.size() > 1 && sig.back() == '0') {
    sig.pop_back();
    ++exp10;
  }
  ParsedQuantity out;
  double approx_mag = 0.0;
  for (char c : sig) approx_mag = approx_mag * 10.0 + (c - '0');
  approx_mag = approx_mag * std::pow(10.0, exp10 - 3) * std::ldexp(1.0, suffix->pow2);
  out.approx = negative ? -approx_mag : approx_mag;

  bool overflow = sig.size() > 30;
  i128 num = 0;
  if (!overflow) {
    for (char c : sig) num = num * 10 + (c - '0');
  }
  i128 den = 1;
  if (!overflow && num != 0) {
    for (int k = 0; k < suffix->pow2 && !overflow; ++k) {
      num *= 2;
      if (num > kMax * 1000) overflow = true;
    }
    for (int k = 0; k < exp10 && !overflow; ++k) {
      num *= 10;
      if (num > kMax * 1000) overflow = true;
    }
    for (int k = 0; k > exp10 && !overflow; --k) {
      den *= 10;
      if (den > kMax * 1000) {
        // Smaller than one milli by far: rounds up to 1 (or 0 for zero).
        num = 1;
        den = 1;
        break;
      }
    }
  }
  i128 mag;
  if (overflow) {
    mag = kMax;
  } else {
    mag = (num + den - 1) / den;  // ceiling of the magnitude
    if (mag > kMax) mag = kMax;
  }
  if (negative) {
    // MilliValue rounds toward +inf: the magnitude of a negative value rounds down.
    i128 floor_mag = overflow ? kMax : num / den;
    out.milli = -static_cast<std::int64_t>(floor_mag > kMax ? kMax : floor_mag);
  } else {
    out.milli = static_cast<std::int64_t>(mag);
  }
  return out;
}

std::string format_milli(std::int64_t milli) {
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return std::to_string(milli) + "m";
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!__builtin_add_overflow(a, b, &out)) return out;
  return b > 0 ? std::numeric_limits<std::int64_t>::max()
               : std::numeric_limits<std::int64_t>::min();
}

std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (!__builtin_mul_overflow(a, b, &out)) return out;
  return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min()
                            : std::numeric_limits<std::int64_t>::max();
}

}  // namespace userscale
