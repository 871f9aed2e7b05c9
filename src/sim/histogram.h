// A latency histogram with fixed memory: log-spaced buckets, 100 per decade (each about 2.3 %
// wide) from 1 microsecond to 10^6 seconds, plus exact count, sum, min and max. Quantiles are
// read from the buckets (the bucket's geometric centre, clamped to the observed range).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace userscale::sim {

class LatencyHistogram {
 public:
  static constexpr int kPerDecade = 100;
  static constexpr int kMinExp = -6;  // 1 us
  static constexpr int kMaxExp = 6;   // 10^6 s
  static constexpr int kBuckets = (kMaxExp - kMinExp) * kPerDecade + 2;

  void add(double seconds) { add_at(bucket_of(seconds), seconds); }
  // add() with the bucket already known: a sample recorded in several histograms pays for
  // bucket_of() (a log10) once.
  void add_at(int bucket, double seconds) {
    counts_[static_cast<std::size_t>(bucket)]++;
    if (count_ == 0) {
      min_ = max_ = seconds;
      lo_ = hi_ = bucket;
    } else {
      min_ = std::min(min_, seconds);
      max_ = std::max(max_, seconds);
      lo_ = std::min(lo_, bucket);
      hi_ = std::max(hi_, bucket);
    }
    ++count_;
    sum_ += seconds;
  }
  void merge(const LatencyHistogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double min() const { return count_ ? min_ : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  // q in [0, 1]; 0 when empty.
  double quantile(double q) const;
  // Fraction of samples <= seconds (bucket resolution).
  double fraction_at_or_below(double seconds) const;

  static int bucket_of(double seconds);

 private:
  static double bucket_lower(int b);

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
  // The lowest and highest non-empty buckets (when count_ > 0): quantile() and clear() touch
  // only those, not all 1202.
  int lo_ = 0;
  int hi_ = 0;
};

}  // namespace userscale::sim
