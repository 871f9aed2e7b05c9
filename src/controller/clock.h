// The controller's only contact with time (DESIGN.md: "the controller is the only place that
// knows about time"). Production uses the wall clock; unit tests a manual clock, so that a loop
// of many sync periods runs in microseconds and exactly.
#pragma once

#include <atomic>
#include <mutex>

#include "core/timefmt.h"

namespace userscale::controller {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix seconds.
  virtual Time now() = 0;
  // Waits until `deadline` or until `stop` turns true, whichever comes first.
  virtual void wait_until(Time deadline, const std::atomic<bool>& stop) = 0;
};

class RealClock final : public Clock {
 public:
  Time now() override;
  void wait_until(Time deadline, const std::atomic<bool>& stop) override;
};

// Time moves only when a test says so; wait_until jumps to the deadline.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start = 1'735'689'600.0) : now_(start) {}
  Time now() override;
  void wait_until(Time deadline, const std::atomic<bool>& stop) override;
  void advance(Duration d);
  void set(Time t);

 private:
  std::mutex mu_;
  Time now_;
};

}  // namespace userscale::controller
