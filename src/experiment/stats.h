// Across-seed statistics: the mean and its 95 % confidence interval (Student t), and the rule
// that names a winner only when the intervals do not overlap.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace userscale::experiment {

// The two-sided Student t quantile: t such that P(T <= t) = p for `df` degrees of freedom
// (p in (0.5, 1), df >= 1). quantile 0.975 is the factor of a 95 % interval.
double student_t_quantile(double p, double df);

struct Interval {
  std::size_t n = 0;
  double mean = 0.0;
  double stddev = 0.0;  // sample standard deviation (n - 1)
  // Half-width of the 95 % interval: t(0.975, n-1) * stddev / sqrt(n); infinite for n < 2
  // (one run says nothing about the spread).
  double half_width = 0.0;
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

// Values that are absent (a run where the quantity never happened) are left out: n counts
// the others. n == 0 gives mean 0 and an infinite half-width.
Interval confidence_interval(const std::vector<double>& values);

bool overlap(const Interval& a, const Interval& b);

enum class Better { Higher, Lower, None };

struct Verdict {
  // Index of the winner, when its interval overlaps no other's; else nullopt.
  std::optional<std::size_t> winner;
  // The best by mean and every candidate whose interval overlaps the best's (a tie); empty
  // when no candidate has values or `better` is None.
  std::vector<std::size_t> tied;
};

// Candidates with n == 0 take no part. A single candidate with values is no contest: no
// winner, tied = {it}.
Verdict judge(const std::vector<Interval>& candidates, Better better);

}  // namespace userscale::experiment
