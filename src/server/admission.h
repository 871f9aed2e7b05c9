// Admission control: at most `max_inflight` requests run at once; up to `queue` more wait in
// arrival order; beyond that a request is rejected (the server answers 503 with Retry-After).
// Non-blocking: a request hands over how to start it, and a freed slot starts the next one, so
// that no thread waits for a slot.
#pragma once

#include <deque>
#include <functional>
#include <mutex>

namespace userscale::server {

class Admission {
 public:
  enum class Outcome { Admitted, Queued, Rejected };

  Admission(int max_inflight, int queue_capacity);

  // Admitted: `start` ran on this thread before returning. Queued: it runs when a slot frees,
  // on the thread that frees it. Rejected (the queue is full): it never runs. `start` should
  // only hand the work on (post it), as it may run inside leave().
  Outcome enter(std::function<void()> start);
  // Frees a slot, or hands it straight to the oldest queued request and starts that.
  void leave();

  int running() const;
  int waiting() const;
  int max_inflight() const { return max_inflight_; }
  int queue_capacity() const { return queue_capacity_; }

 private:
  const int max_inflight_;
  const int queue_capacity_;
  mutable std::mutex mu_;
  int running_ = 0;
  std::deque<std::function<void()>> queue_;
};

}  // namespace userscale::server
