#include "server/connection_table.h"

#include <sys/socket.h>

namespace userscale::server {

std::uint64_t ConnectionTable::add(int fd) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  open_[id] = Entry{fd, false};
  return id;
}

void ConnectionTable::remove(std::uint64_t id) {
  {
    std::lock_guard lock(mu_);
    open_.erase(id);
  }
  cv_.notify_all();
}

bool ConnectionTable::set_idle(std::uint64_t id, bool idle) {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  if (it != open_.end()) it->second.idle = idle;
  return !stopping_;
}

void ConnectionTable::stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  for (auto& [id, e] : open_) {
    if (e.idle) ::shutdown(e.fd, SHUT_RD);
  }
}

bool ConnectionTable::wait_empty(std::chrono::milliseconds limit) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, limit, [&] { return open_.empty(); });
}

std::size_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace userscale::server
