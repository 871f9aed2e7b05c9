#include "core/policies/policy_params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace userscale {
namespace {

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// A whole string that is a finite decimal number, or nullopt.
std::optional<double> parse_double(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  const char* begin = t.data();
  if (*begin == '+') ++begin;  // from_chars rejects a leading plus
  double v = 0.0;
  auto [ptr, ec] = std::from_chars(begin, t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool Bounds::contains(double v) const {
  if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
  if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
  return true;
}

std::string Bounds::describe() const {
  if (lo && hi) {
    return std::string("in ") + (lo_open ? "(" : "[") + format_shortest(*lo) + ", " +
           format_shortest(*hi) + (hi_open ? ")" : "]");
  }
  if (lo) return (lo_open ? "> " : ">= ") + format_shortest(*lo);
  if (hi) return (hi_open ? "< " : "<= ") + format_shortest(*hi);
  return "a number";
}

ParamReader::ParamReader(const ParamMap& params, std::string prefix)
    : params_(params), prefix_(std::move(prefix)) {}

const std::string* ParamReader::take(const std::string& key) {
  known_.insert(key);
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &it->second;
}

void ParamReader::fail(const std::string& key, const std::string& message) {
  errors_.push_back(Error{prefix_ + "." + key, message});
}

void ParamReader::number(const std::string& key, double& out, const Bounds& bounds) {
  const std::string* text = take(key);
  if (!text) return;
  const auto v = parse_double(*text);
  if (!v) return fail(key, "must be a number, got " + quoted(*text));
  if (!bounds.contains(*v))
    return fail(key, "must be " + bounds.describe() + ", got " + trim(*text));
  out = *v;
}

void ParamReader::integer(const std::string& key, std::int32_t& out, std::int32_t min,
                          std::int32_t max) {
  const std::string* text = take(key);
  if (!text) return;
  const std::string t = trim(*text);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size()) {
    return fail(key, "must be a whole number, got " + quoted(*text));
  }
  if (v < min || v > max) {
    return fail(key,
                "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + t);
  }
  out = static_cast<std::int32_t>(v);
}

void ParamReader::duration(const std::string& key, Duration& out, const Bounds& bounds) {
  const std::string* text = take(key);
  if (!text) return;
  const std::string t = trim(*text);
  std::optional<double> v = parse_double(t);
  if (!v) v = parse_go_duration(t);
  if (!v || !std::isfinite(*v)) {
    return fail(key,
                "must be seconds or a duration such as \"30s\" or \"1m\", got " + quoted(*text));
  }
  if (!bounds.contains(*v)) {
    return fail(key, "must be " + bounds.describe() + " seconds, got " + t);
  }
  out = *v;
}

void ParamReader::name_list(const std::string& key, std::vector<std::string>& out,
                            const std::vector<std::string>& allowed) {
  const std::string* text = take(key);
  if (!text) return;
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text->size()) {
    const std::size_t comma = std::min(text->find(',', start), text->size());
    const std::string name = trim(text->substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      auto near = closest_known_name(name, allowed);
      return fail(key, "unknown name " + quoted(name) +
                           (near ? " (did you mean " + quoted(*near) + "?)" : "") +
                           "; known: " + join(allowed));
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return fail(key, "lists " + quoted(name) + " twice");
    }
    names.push_back(name);
  }
  if (names.empty()) return fail(key, "must name at least one of: " + join(allowed));
  out = std::move(names);
}

std::vector<Error> ParamReader::finish() {
  const std::vector<std::string> known(known_.begin(), known_.end());
  for (const auto& [key, value] : params_) {
    if (known_.count(key)) continue;
    auto near = closest_known_name(key, known);
    fail(key, near ? "unknown parameter (did you mean " + quoted(*near) + "?)"
                   : "unknown parameter; known: " + join(known));
  }
  return errors_;
}

std::optional<std::string> closest_known_name(const std::string& name,
                                              const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // A typo changes a few characters; anything further is a different word.
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  if (!best || best_distance > limit) return std::nullopt;
  return best;
}

std::string format_shortest(double v) {
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "?";
  return std::string(buf, ptr);
}

}  // namespace userscale
