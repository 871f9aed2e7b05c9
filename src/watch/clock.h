// Time for the watcher, injected so that tests step a replay instead of waiting for it.
// `now()` is a monotonic reading in seconds (only differences mean anything); `wall()` is unix
// seconds, used to say since when a source has been unreachable.
#pragma once

namespace userscale::watch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now() = 0;
  virtual double wall() = 0;
};

class SystemClock : public Clock {
 public:
  double now() override;
  double wall() override;
};

// Moves only when told to.
class ManualClock : public Clock {
 public:
  explicit ManualClock(double start = 0.0, double wall_start = 1735689600.0)
      : now_(start), wall_offset_(wall_start - start) {}
  double now() override { return now_; }
  double wall() override { return now_ + wall_offset_; }
  void advance(double seconds) { now_ += seconds; }

 private:
  double now_;
  double wall_offset_;
};

}  // namespace userscale::watch
