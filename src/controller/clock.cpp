#include "controller/clock.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace userscale::controller {

Time RealClock::now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

void RealClock::wait_until(Time deadline, const std::atomic<bool>& stop) {
  // Short slices so that a signal handler's flag is seen within 50 ms (a handler cannot
  // notify a condition variable).
  while (!stop.load()) {
    const double left = deadline - now();
    if (left <= 0.0) return;
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(left, 0.05)));
  }
}

Time ManualClock::now() {
  std::lock_guard lock(mu_);
  return now_;
}

void ManualClock::wait_until(Time deadline, const std::atomic<bool>& stop) {
  std::lock_guard lock(mu_);
  if (!stop.load()) now_ = std::max(now_, deadline);
}

void ManualClock::advance(Duration d) {
  std::lock_guard lock(mu_);
  now_ += d;
}

void ManualClock::set(Time t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

}  // namespace userscale::controller
