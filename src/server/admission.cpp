#include "server/admission.h"

namespace userscale::server {

Admission::Admission(int max_inflight, int queue_capacity)
    : max_inflight_(max_inflight), queue_capacity_(queue_capacity) {}

Admission::Outcome Admission::enter(std::function<void()> start) {
  {
    std::lock_guard lock(mu_);
    if (!queue_.empty() || running_ >= max_inflight_) {
      if (static_cast<int>(queue_.size()) >= queue_capacity_) return Outcome::Rejected;
      queue_.push_back(std::move(start));
      return Outcome::Queued;
    }
    ++running_;
  }
  start();
  return Outcome::Admitted;
}

void Admission::leave() {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      --running_;
      return;
    }
    next = std::move(queue_.front());  // the slot passes to it: running_ stays
    queue_.pop_front();
  }
  next();
}

int Admission::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

int Admission::waiting() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

}  // namespace userscale::server
