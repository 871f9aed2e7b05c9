#include "watch/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace userscale::watch {

std::string num(std::optional<double> v, int digits) {
  if (!v || !std::isfinite(*v)) return "n/a";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
  return buf;
}

std::string age(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) return "n/a";
  const long s = std::lround(std::floor(*seconds));
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string clock_text(double t, bool relative) {
  char buf[48];
  if (relative) {
    const long s = std::lround(std::floor(std::max(0.0, t)));
    std::snprintf(buf, sizeof buf, "+%02ld:%02ld:%02ld", s / 3600, (s % 3600) / 60, s % 60);
    return buf;
  }
  const std::time_t secs = static_cast<std::time_t>(std::floor(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02dZ", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string memory_text(std::optional<double> used, std::optional<double> total) {
  if (!used && !total) return "n/a";
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  auto gib = [&](std::optional<double> b) {
    return b ? std::optional<double>(*b / kGiB) : std::nullopt;
  };
  return num(gib(used)) + "/" + num(gib(total)) + " GiB";
}

std::size_t columns(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes only
  }
  return n;
}

std::string truncate(std::string_view text, std::size_t width) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (n == width) return std::string(text.substr(0, i));
      ++n;
    }
  }
  return std::string(text);
}

std::string pad(std::string_view text, std::size_t width) {
  std::string out = truncate(text, width);
  out.append(width - columns(out), ' ');
  return out;
}

std::string sparkline(const std::vector<std::optional<int>>& values, int top, bool unicode) {
  static const char* const kBlocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                        "\u2585", "\u2586", "\u2587", "\u2588"};
  static const char kAscii[] = "_.:-=+*#";
  std::string out;
  for (const auto& v : values) {
    if (!v) {
      out += ' ';
      continue;
    }
    int level = top <= 0 ? 0 : static_cast<int>(std::lround(7.0 * *v / top));
    level = std::clamp(level, 0, 7);
    if (unicode) {
      out += kBlocks[level];
    } else {
      out += kAscii[level];
    }
  }
  return out;
}

std::string bar(std::optional<double> percent, int width) {
  std::string out = "[";
  const int filled =
      percent ? std::clamp(static_cast<int>(std::lround(*percent / 100.0 * width)), 0, width) : 0;
  for (int i = 0; i < width; ++i) out += !percent ? '?' : (i < filled ? '#' : '-');
  return out + "]";
}

}  // namespace userscale::watch
