#include "actuate/kube/rate_limit.h"

#include <algorithm>
#include <cctype>

namespace userscale::actuate::kube {

TokenBucket::TokenBucket(double qps, int burst)
    : qps_(qps), burst_(std::max(1, burst)), tokens_(std::max(1, burst)) {}

std::chrono::nanoseconds TokenBucket::reserve(SteadyTime now) {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard lock(mu_);
  if (last_) {
    const double elapsed = std::chrono::duration<double>(now - *last_).count();
    if (elapsed > 0) tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
  }
  if (!last_ || now > *last_) last_ = now;
  tokens_ -= 1.0;  // may go negative: a debt that later callers wait behind
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<long long>(-tokens_ / qps_ * 1e9));
}

std::chrono::milliseconds retry_wait(const BackoffPolicy& p, int attempt,
                                     const std::optional<std::string>& retry_after) {
  if (retry_after && !retry_after->empty() &&
      std::all_of(retry_after->begin(), retry_after->end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
      retry_after->size() < 9) {
    const std::chrono::milliseconds asked(std::stoll(*retry_after) * 1000);
    return std::min(asked, p.retry_after_cap);
  }
  auto wait = p.base;
  for (int i = 1; i < attempt && wait < p.cap; ++i) wait *= 2;
  return std::min(wait, p.cap);
}

}  // namespace userscale::actuate::kube
