// A high-dynamic-range latency histogram: log-linear buckets (64 per power of two) over
// microseconds, so that any percentile is within 1/64 (1.6 %) of the exact value from 1 us to
// hours, in fixed memory, and histograms from several threads merge exactly.
#pragma once

#include <cstdint>
#include <vector>

namespace userscale::loadgen {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record_us(std::uint64_t micros);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min_us() const { return count_ ? min_ : 0; }
  std::uint64_t max_us() const { return max_; }
  double mean_us() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // The nearest-rank percentile (0 < p <= 100): the highest value equivalent to the bucket that
  // holds the ceil(p/100 * count)-th smallest value, capped at the largest value recorded.
  std::uint64_t percentile_us(double p) const;
  // How many values are at most `micros`, at bucket resolution: the values that share the
  // limit's bucket count too (they exceed it by 1.6 % at most).
  std::uint64_t count_at_or_below_us(std::uint64_t micros) const;

  // Bucket index arithmetic, exposed for tests.
  static std::size_t bucket_of(std::uint64_t v);
  static std::uint64_t bucket_upper(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  double sum_ = 0.0;
};

}  // namespace userscale::loadgen
