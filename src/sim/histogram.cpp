#include "sim/histogram.h"

#include <algorithm>
#include <cmath>

namespace userscale::sim {

int LatencyHistogram::bucket_of(double seconds) {
  if (!(seconds > 0.0)) return 0;
  const double pos = (std::log10(seconds) - kMinExp) * kPerDecade;
  if (pos < 0.0) return 0;
  const int b = static_cast<int>(pos) + 1;
  return std::min(b, kBuckets - 1);
}

double LatencyHistogram::bucket_lower(int b) {
  return std::pow(10.0, kMinExp + static_cast<double>(b - 1) / kPerDecade);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
    lo_ = other.lo_;
    hi_ = other.hi_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    lo_ = std::min(lo_, other.lo_);
    hi_ = std::max(hi_, other.hi_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::clear() {
  if (count_ == 0) return;
  std::fill(counts_.begin() + lo_, counts_.begin() + hi_ + 1, 0);
  count_ = 0;
  sum_ = min_ = max_ = 0.0;
  lo_ = hi_ = 0;
}

double LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the sample asked for, 1-based (nearest rank).
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int b = lo_; b <= hi_; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      if (b == 0) return min_;
      const double mid = std::sqrt(bucket_lower(b) * bucket_lower(b + 1));
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

double LatencyHistogram::fraction_at_or_below(double seconds) const {
  if (count_ == 0) return 0.0;
  if (seconds >= max_) return 1.0;
  const int last = bucket_of(seconds);
  std::uint64_t n = 0;
  for (int b = lo_; b <= std::min(last, hi_); ++b) n += counts_[b];
  return static_cast<double>(n) / static_cast<double>(count_);
}

}  // namespace userscale::sim
