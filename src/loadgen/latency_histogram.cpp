#include "loadgen/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace userscale::loadgen {
namespace {

constexpr int kSubBits = 6;                              // 64 sub-buckets per power of two
constexpr std::uint64_t kLinear = 1u << (kSubBits + 1);  // values below 128 are exact
constexpr int kMaxShift = 40;                            // up to ~2^47 us (~4.5 years)
constexpr std::size_t kBuckets = kLinear + static_cast<std::size_t>(kMaxShift) * (1u << kSubBits);

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) {
  if (v < kLinear) return static_cast<std::size_t>(v);
  const int msb = 63 - std::countl_zero(v);  // >= kSubBits + 1
  int shift = msb - kSubBits;                // >= 1
  if (shift > kMaxShift) return kBuckets - 1;
  const std::uint64_t mant = v >> shift;  // in [64, 128)
  return kLinear + static_cast<std::size_t>(shift - 1) * (1u << kSubBits) +
         static_cast<std::size_t>(mant - (1u << kSubBits));
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t index) {
  if (index < kLinear) return index;
  const std::size_t rel = index - kLinear;
  const int shift = static_cast<int>(rel >> kSubBits) + 1;
  const std::uint64_t mant = (rel & ((1u << kSubBits) - 1)) + (1u << kSubBits);
  return ((mant + 1) << shift) - 1;
}

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

void LatencyHistogram::record_us(std::uint64_t micros) {
  ++counts_[bucket_of(micros)];
  ++count_;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
  sum_ += static_cast<double>(micros);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

std::uint64_t LatencyHistogram::percentile_us(double p) const {
  if (count_ == 0) return 0;
  const double exact = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(exact));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(std::max(bucket_upper(i), min_), max_);
  }
  return max_;
}

std::uint64_t LatencyHistogram::count_at_or_below_us(std::uint64_t micros) const {
  if (count_ == 0 || micros < min_) return 0;
  if (micros >= max_) return count_;
  std::uint64_t n = 0;
  const std::size_t last = bucket_of(micros);
  for (std::size_t i = 0; i <= last && i < counts_.size(); ++i) n += counts_[i];
  return n;
}

}  // namespace userscale::loadgen
