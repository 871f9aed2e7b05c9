// A processor-sharing group: every job in it is served at the same rate, which the owner sets
// (the pod's CPU, or a replica's share of a GPU). Virtual time makes a rate change O(1) per
// group and a completion O(log n): each job finishes when the group's virtual work reaches the
// job's start value plus its cost.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace userscale::sim {

class PsGroup {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  double rate() const { return rate_; }

  // Brings the virtual clock to `now` at the current rate. Call before any change.
  void advance(double now) {
    virtual_ += rate_ * (now - last_);
    last_ = now;
  }
  void set_rate(double rate) { rate_ = rate; }

  void add(double work, std::uint32_t job) {
    heap_.push_back(Entry{virtual_ + work, job});
    sift_up(heap_.size() - 1);
  }

  // The absolute time the next job finishes at the current rate (infinity if none or stalled).
  double next_finish(double now) const {
    if (heap_.empty() || rate_ <= 0.0) return std::numeric_limits<double>::infinity();
    const double remaining = heap_.front().finish - virtual_;
    return remaining <= 0.0 ? now : now + remaining / rate_;
  }

  // True when the next job has received its work, within rounding: also when what is left
  // would finish within the resolution of the clock at `now` (else the simulation would
  // schedule the same instant forever).
  bool front_done(double now) const {
    if (heap_.empty()) return false;
    const double f = heap_.front().finish;
    const double remaining = f - virtual_;
    if (remaining <= 1e-12 * (1.0 + (f < 0 ? -f : f))) return true;
    return rate_ > 0.0 && now + remaining / rate_ <= now;
  }
  std::uint32_t pop_front() {
    const std::uint32_t job = heap_.front().job;
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      sift_down(0);
    } else {
      virtual_ = 0.0;  // an empty group restarts its clock: keeps precision on long runs
    }
    return job;
  }
  // Removes every job (a crash); the caller keeps track of which they were.
  template <typename F>
  void drain(F&& on_job) {
    for (const Entry& e : heap_) on_job(e.job);
    heap_.clear();
    virtual_ = 0.0;
  }

 private:
  struct Entry {
    double finish;
    std::uint32_t job;
  };
  static bool before(const Entry& x, const Entry& y) {
    return x.finish < y.finish || (x.finish == y.finish && x.job < y.job);
  }
  void sift_up(std::size_t i) {
    Entry e = heap_[i];
    while (i > 0) {
      std::size_t p = (i - 1) / 2;
      if (!before(e, heap_[p])) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = e;
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    Entry e = heap_[i];
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(heap_[c + 1], heap_[c])) ++c;
      if (!before(heap_[c], e)) break;
      heap_[i] = heap_[c];
      i = c;
    }
    heap_[i] = e;
  }

  std::vector<Entry> heap_;
  double virtual_ = 0.0;
  double last_ = 0.0;
  double rate_ = 0.0;
};

}  // namespace userscale::sim
