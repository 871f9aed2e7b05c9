#include "server/admission.h"

namespace userscale::server {

Admission::Admission(int max_inflight, int queue_capacity)
    : max_inflight_(max_inflight), queue_capacity_(queue_capacity) {}

bool Admission::enter() {
  std::unique_lock lock(mu_);
  if (waiting_ == 0 && running_ < max_inflight_) {
    ++running_;
    return true;
  }
  if (waiting_ >= queue_capacity_) return false;
  const std::uint64_t ticket = next_ticket_++;
  ++waiting_;
  cv_.wait(lock, [&] { return ticket == serving_ && running_ < max_inflight_; });
  --waiting_;
  ++serving_;
  ++running_;
  cv_.notify_all();  // the next ticket may be admissible too
  return true;
}

void Admission::leave() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  cv_.notify_all();
}

int Admission::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

int Admission::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

}  // namespace userscale::server
