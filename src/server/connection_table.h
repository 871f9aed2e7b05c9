// The open client connections, so that a draining server can end the idle ones (a shutdown of
// the read side wakes a connection thread waiting for its next request) and wait for the rest.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace userscale::server {

class ConnectionTable {
 public:
  std::uint64_t add(int fd);
  void remove(std::uint64_t id);
  // Marks a connection as waiting for a request (idle) or not. Returns false once stopping:
  // the connection should close instead of reading another request.
  bool set_idle(std::uint64_t id, bool idle);
  // From now on connections close after their current response; idle ones are woken now.
  void stop();
  bool wait_empty(std::chrono::milliseconds limit);
  std::size_t size() const;

 private:
  struct Entry {
    int fd = -1;
    bool idle = false;
  };
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Entry> open_;
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;
};

}  // namespace userscale::server
