// The simulator's future event list: a binary heap ordered by (time, sequence), so that events
// at the same instant run in the order they were scheduled and a seed gives one history.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace userscale::sim {

enum class EventKind : std::uint8_t {
  Arrival,         // open-loop or trace source: the next request arrives
  UserRequest,     // closed-loop user `a` sends its next request
  CpuDone,         // pod `a`'s CPU phase: a request may have finished (generation b)
  GpuDone,         // device `a`: a request may have finished its GPU work (generation b)
  PodBound,        // pod `a` (incarnation b) was bound to its slot: start the container
  PodLoaded,       // pod `a` (incarnation b) loaded its model: GPU memory is allocated
  PodReady,        // pod `a` (incarnation b) passed its readiness probe
  PodRestart,      // pod `a` (incarnation b): crash back-off is over
  PodKill,         // pod `a` (incarnation b): termination grace period is over
  RequestTimeout,  // request `a` (generation b): the client gives up
  ControllerTick,
  MetricsServerSample,
  PrometheusScrape,
  DcgmSample,
  TimelineSample,
  NodeReady,   // node `a` finished provisioning
  NodeScan,    // node autoscaler loop
  SpotNotice,  // node `a` receives a spot interruption notice
  NodeGone,    // node `a` (incarnation b) is removed
  End,
};

struct Event {
  double time = 0.0;
  std::uint64_t seq = 0;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  EventKind kind = EventKind::End;
};

// Besides the heap, one event may wait in a side slot: the open-loop source keeps exactly one
// arrival scheduled, and holding it there saves a heap insertion and removal per request. It
// takes its sequence number from the same counter, so the order of events is unchanged.
class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty() && !has_side_; }
  std::size_t size() const { return heap_.size() + (has_side_ ? 1 : 0); }
  const Event& top() const { return side_first() ? side_ : heap_.front(); }

  void push(double time, EventKind kind, std::uint32_t a = 0, std::uint32_t b = 0) {
    heap_.push_back(Event{time, next_seq_++, a, b, kind});
    sift_up(heap_.size() - 1);
  }

  // Like push(), into the side slot, which must be empty (the previous one was popped).
  void push_side(double time, EventKind kind, std::uint32_t a = 0, std::uint32_t b = 0) {
    if (has_side_) throw std::logic_error("EventQueue: the side slot is taken");
    side_ = Event{time, next_seq_++, a, b, kind};
    has_side_ = true;
  }

  Event pop() {
    if (side_first()) {
      has_side_ = false;
      return side_;
    }
    Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) refill_root(last);
    return out;
  }

 private:
  bool side_first() const { return has_side_ && (heap_.empty() || before(side_, heap_.front())); }
  static bool before(const Event& x, const Event& y) {
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
  }
  void sift_up(std::size_t i) {
    Event e = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  // Moves `e` down from the root (whose hole it fills) to where it belongs.
  void refill_root(const Event& e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n) child += before(heap_[child + 1], heap_[child]) ? 1 : 0;
      if (!before(heap_[child], e)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
  Event side_;
  bool has_side_ = false;
};

}  // namespace userscale::sim
