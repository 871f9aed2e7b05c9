// Admission control: at most `max_inflight` requests run at once; up to `queue` more wait in
// arrival order; beyond that a request is rejected (the server answers 503 with Retry-After).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace userscale::server {

class Admission {
 public:
  Admission(int max_inflight, int queue_capacity);

  // Blocks while queued. Returns false, without waiting, when the queue is full.
  bool enter();
  void leave();

  int running() const;
  int waiting() const;
  int max_inflight() const { return max_inflight_; }
  int queue_capacity() const { return queue_capacity_; }

 private:
  const int max_inflight_;
  const int queue_capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
  int waiting_ = 0;
  std::uint64_t next_ticket_ = 0;  // the ticket the next queued request takes
  std::uint64_t serving_ = 0;      // the queued ticket admitted next (FIFO)
};

// Holds a slot for a scope.
class AdmissionSlot {
 public:
  explicit AdmissionSlot(Admission& a) : a_(&a) {}
  AdmissionSlot(const AdmissionSlot&) = delete;
  AdmissionSlot& operator=(const AdmissionSlot&) = delete;
  ~AdmissionSlot() { a_->leave(); }

 private:
  Admission* a_;
};

}  // namespace userscale::server
