// Typed reads of a policy's text parameters (`spec.policy.params`, a map of strings), shared by
// the policies that own their parameters. Every mistake becomes an Error whose path is the
// parameter's field path (`spec.policy.params.alpha: must be in (0, 1], got 1.5`); all mistakes
// are collected, so that a validator can report them at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/timefmt.h"

namespace userscale {

using ParamMap = std::map<std::string, std::string>;

// The interval a number must lie in; each end is open, closed, or absent.
struct Bounds {
  std::optional<double> lo;
  bool lo_open = false;
  std::optional<double> hi;
  bool hi_open = false;

  static Bounds greater_than(double lo) { return {lo, true, std::nullopt, false}; }
  static Bounds at_least(double lo) { return {lo, false, std::nullopt, false}; }
  static Bounds closed(double lo, double hi) { return {lo, false, hi, false}; }
  static Bounds open_closed(double lo, double hi) { return {lo, true, hi, false}; }
  static Bounds open(double lo, double hi) { return {lo, true, hi, true}; }

  bool contains(double v) const;
  std::string describe() const;  // "in (0, 1]", "> 0", ">= 1"
};

// Reads parameters by name. A reader leaves its output untouched when the parameter is absent,
// so that the caller's defaults stand. Call finish() last: unknown names are errors there.
class ParamReader {
 public:
  explicit ParamReader(const ParamMap& params, std::string prefix = "spec.policy.params");

  void number(const std::string& key, double& out, const Bounds& bounds);
  void integer(const std::string& key, std::int32_t& out, std::int32_t min, std::int32_t max);
  // Seconds, written as a plain number ("30") or a Go duration ("30s", "1m", "1500ms").
  void duration(const std::string& key, Duration& out, const Bounds& bounds);
  // A comma-separated list of names, each one of `allowed`, no repeats, at least one.
  void name_list(const std::string& key, std::vector<std::string>& out,
                 const std::vector<std::string>& allowed);

  // For rules that tie several parameters together; `key` names the one reported.
  void fail(const std::string& key, const std::string& message);
  // True when the parameter was written (for cross-field checks that must name it).
  bool has(const std::string& key) const { return params_.count(key) != 0; }

  // Rejects the parameters nobody read, naming the closest known one; returns every error.
  std::vector<Error> finish();

 private:
  const std::string* take(const std::string& key);

  const ParamMap& params_;
  std::string prefix_;
  std::set<std::string> known_;
  std::vector<Error> errors_;
};

// The closest of `candidates` to `name` by edit distance, when it is close enough to be a typo.
std::optional<std::string> closest_known_name(const std::string& name,
                                              const std::vector<std::string>& candidates);

// Formats a number for messages and reasons: shortest round-trip form ("0.6", "1.5", "30").
std::string format_shortest(double v);

// Returns the first of `errors` as a Result, or `value` when there are none.
template <typename T>
Result<T> first_error_or(std::vector<Error> errors, T value) {
  if (!errors.empty()) return errors.front();
  return value;
}

}  // namespace userscale
