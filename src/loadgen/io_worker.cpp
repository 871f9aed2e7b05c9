#include "loadgen/io_worker.h"

#include <algorithm>

namespace userscale::loadgen {

IoWorker::IoWorker(const LoadPlan& plan, int index, int connections)
    : plan_(plan),
      o_(*plan.options),
      index_(index),
      io_(1),  // one thread runs it: Asio can skip the locking a shared loop needs
      arrivals_(io_),
      sweep_(io_),
      stats_(plan.start, o_.mix.specs().size(), o_.duration_s),
      rng_(o_.seed * 1000003u + static_cast<std::uint64_t>(index)) {
  // A tenth of the time limit or so: timeouts fire within about 12 % of it.
  sweep_period_ = std::clamp<Clock::duration>(o_.timeout / 8, std::chrono::milliseconds(5),
                                              std::chrono::milliseconds(200));
  slots_.resize(static_cast<std::size_t>(std::max(connections, 1)));
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].connection =
        std::make_unique<ClientConnection>(io_, plan_.endpoints, o_.timeout, *this, i);
    if (!o_.open_loop && o_.think_ms > 0) {
      slots_[i].think = std::make_unique<boost::asio::steady_timer>(io_);
    }
  }
  if (o_.open_loop) {
    const auto n = o_.schedule.size();
    const auto t = static_cast<std::size_t>(plan_.threads);
    const auto me = static_cast<std::size_t>(index_);
    own_count_ = n > me ? (n - me - 1) / t + 1 : 0;
    idle_.reserve(slots_.size());
  }
}

IoWorker::~IoWorker() = default;

void IoWorker::run() {
  if (o_.open_loop) {
    if (own_count_ == 0) return;
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) idle_.push_back(&*it);
    arm_arrivals();
  } else {
    active_ = static_cast<int>(slots_.size());
    arrivals_.expires_at(plan_.start);
    arrivals_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      for (auto& slot : slots_) next_closed(slot);
    });
  }
  arm_sweep();
  io_.run();
}

Clock::time_point IoWorker::intended(std::size_t own) const {
  const std::size_t i =
      static_cast<std::size_t>(index_) + own * static_cast<std::size_t>(plan_.threads);
  return plan_.start +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.schedule[i]));
}

void IoWorker::send(Slot& slot, std::size_t endpoint, Clock::time_point intended,
                    Clock::time_point now) {
  slot.endpoint = endpoint;
  slot.intended = intended;
  slot.sent = now;
  stats_.sent(intended);
  ++in_flight_;
  slot.connection->send(plan_.requests[endpoint]);
}

void IoWorker::on_done(ClientConnection& connection, const Outcome& outcome) {
  Slot& slot = slots_[connection.tag()];
  const Clock::time_point now = Clock::now();
  --in_flight_;
  stats_.done(outcome, slot.endpoint, o_.open_loop, slot.intended, slot.sent, now);
  if (o_.open_loop) {
    idle_.push_back(&slot);
    dispatch_open();
    return;
  }
  if (slot.think) {
    slot.think->expires_at(
        std::min(plan_.deadline,
                 now + std::chrono::microseconds(static_cast<std::int64_t>(o_.think_ms * 1000))));
    slot.think->async_wait([this, &slot](const boost::system::error_code& ec) {
      if (!ec && !finished_) next_closed(slot);
    });
    return;
  }
  next_closed(slot);
}

void IoWorker::next_closed(Slot& slot) {
  const Clock::time_point now = Clock::now();
  if (now >= plan_.deadline) {
    if (--active_ == 0) finish();
    return;
  }
  const std::size_t endpoint = o_.mix.pick_index(uniform_(rng_));
  send(slot, endpoint, now, now);
}

void IoWorker::dispatch_open() {
  const Clock::time_point now = Clock::now();
  while (next_due_ < own_count_ && intended(next_due_) <= now) ++next_due_;
  while (next_send_ < next_due_ && !idle_.empty()) {
    Slot& slot = *idle_.back();
    idle_.pop_back();
    const std::size_t own = next_send_++;
    const std::size_t i =
        static_cast<std::size_t>(index_) + own * static_cast<std::size_t>(plan_.threads);
    send(slot, plan_.picks[i], intended(own), now);
  }
  if (next_send_ == own_count_ && in_flight_ == 0) finish();
}

void IoWorker::arm_arrivals() {
  if (finished_ || next_due_ >= own_count_) return;
  arrivals_.expires_at(intended(next_due_));
  arrivals_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    dispatch_open();
    arm_arrivals();
  });
}

void IoWorker::arm_sweep() {
  sweep_.expires_after(sweep_period_);
  sweep_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    const Clock::time_point now = Clock::now();
    for (auto& slot : slots_) slot.connection->check_deadline(now);
    arm_sweep();
  });
}

void IoWorker::finish() {
  if (finished_) return;
  finished_ = true;
  arrivals_.cancel();
  sweep_.cancel();
  for (auto& slot : slots_) {
    if (slot.think) slot.think->cancel();
    slot.connection->close();
  }
  io_.stop();
}

}  // namespace userscale::loadgen
