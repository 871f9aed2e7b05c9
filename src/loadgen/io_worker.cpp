#include "loadgen/io_worker.h"

#include <algorithm>
#include <string_view>

namespace userscale::loadgen {
namespace {

// How long a closed-loop worker waits after a refused connection before its next request.
constexpr Clock::duration kConnectRetry = std::chrono::milliseconds(100);

}  // namespace

IoWorker::IoWorker(const LoadPlan& plan, int index, int connections)
    : plan_(plan),
      o_(*plan.options),
      index_(index),
      io_(1),  // one thread runs it: Asio can skip the locking a shared loop needs
      start_(io_),
      sweep_(io_),
      stats_(plan.start, o_.mix.specs().size(), o_.duration_s),
      rng_(o_.seed * 1000003u + static_cast<std::uint64_t>(index)) {
  // An eighth of the time limit: timeouts fire within about 12 % of it.
  sweep_period_ = std::clamp<Clock::duration>(o_.timeout / 8, std::chrono::milliseconds(5),
                                              std::chrono::milliseconds(200));
  slots_.resize(static_cast<std::size_t>(std::max(connections, 1)));
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].connection =
        std::make_unique<ClientConnection>(io_, plan_.endpoints, o_.timeout, *this, i);
    slots_[i].timer = std::make_unique<boost::asio::steady_timer>(io_);
  }
}

IoWorker::~IoWorker() = default;

void IoWorker::run() {
  active_ = static_cast<int>(slots_.size());
  start_.expires_at(plan_.start);
  start_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    for (auto& slot : slots_) {
      if (o_.open_loop) {
        next_open(slot);
      } else {
        next_closed(slot);
      }
    }
  });
  arm_sweep();
  io_.run();
}

void IoWorker::send(Slot& slot, std::size_t endpoint, Clock::time_point intended,
                    Clock::time_point now) {
  slot.endpoint = endpoint;
  slot.intended = intended;
  slot.sent = now;
  stats_.sent(intended);
  slot.connection->send(plan_.requests[endpoint]);
}

void IoWorker::on_done(ClientConnection& connection, const Outcome& outcome) {
  Slot& slot = slots_[connection.tag()];
  const Clock::time_point now = Clock::now();
  stats_.done(outcome, slot.endpoint, o_.open_loop, slot.intended, slot.sent, now);
  if (o_.open_loop) {
    next_open(slot);
    return;
  }
  Clock::duration pause = std::chrono::microseconds(static_cast<std::int64_t>(o_.think_ms * 1000));
  // Refused at once, a worker would ask again at once and be refused again, thousands of times
  // a second against a server that is down: it waits a little first.
  if (outcome.error && std::string_view(outcome.error) == "connect") {
    pause = std::max(pause, kConnectRetry);
  }
  if (pause > Clock::duration::zero()) {
    slot.timer->expires_at(std::min(plan_.deadline, now + pause));
    slot.timer->async_wait([this, &slot](const boost::system::error_code& ec) {
      if (!ec && !finished_) next_closed(slot);
    });
    return;
  }
  next_closed(slot);
}

void IoWorker::next_closed(Slot& slot) {
  const Clock::time_point now = Clock::now();
  if (now >= plan_.deadline) {
    slot_ended();
    return;
  }
  const std::size_t endpoint = o_.mix.pick_index(uniform_(rng_));
  send(slot, endpoint, now, now);
}

void IoWorker::next_open(Slot& slot) {
  const std::size_t i = plan_.next->fetch_add(1, std::memory_order_relaxed);
  if (i >= o_.schedule.size()) {
    slot_ended();
    return;
  }
  const Clock::time_point intended =
      plan_.start +
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.schedule[i]));
  const std::size_t endpoint = plan_.picks[i];
  const Clock::time_point now = Clock::now();
  if (intended <= now) {
    send(slot, endpoint, intended, now);
    return;
  }
  slot.timer->expires_at(intended);
  slot.timer->async_wait([this, &slot, endpoint, intended](const boost::system::error_code& ec) {
    if (!ec && !finished_) send(slot, endpoint, intended, Clock::now());
  });
}

void IoWorker::slot_ended() {
  if (--active_ == 0) finish();
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
  start_.cancel();
  sweep_.cancel();
  for (auto& slot : slots_) {
    if (slot.timer) slot.timer->cancel();
    slot.connection->close();
  }
  io_.stop();
}

}  // namespace userscale::loadgen
