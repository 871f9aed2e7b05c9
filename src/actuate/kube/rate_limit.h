// Client-side throttling as client-go does it: a token bucket (QPS and burst, 5 and 10 by
// default), and the waits between retries: the server's Retry-After on 429 (and 503), else an
// exponential back-off with a cap. Pure arithmetic on times given by the caller.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace userscale::actuate::kube {

using SteadyTime = std::chrono::steady_clock::time_point;

class TokenBucket {
 public:
  TokenBucket(double qps, int burst);
  // Takes a token and says how long to wait before using it (zero when one is there now).
  // qps <= 0 means no limit.
  std::chrono::nanoseconds reserve(SteadyTime now);

 private:
  std::mutex mu_;
  double qps_;
  double burst_;
  double tokens_;
  std::optional<SteadyTime> last_;
};

struct BackoffPolicy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};
  std::chrono::milliseconds retry_after_cap{60'000};  // a server asking for longer is clamped
};

// The wait before retry number `attempt` (1 for the first retry). `retry_after` is the header's
// text when the answer carried one: delta-seconds (HTTP-date is treated as absent).
std::chrono::milliseconds retry_wait(const BackoffPolicy& p, int attempt,
                                     const std::optional<std::string>& retry_after);

}  // namespace userscale::actuate::kube
