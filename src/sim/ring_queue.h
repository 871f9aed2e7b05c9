// A FIFO of ids on a growable ring buffer: amortized allocation-free once it has grown.
#pragma once

#include <cstdint>
#include <vector>

namespace userscale::sim {

class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void push(std::uint32_t v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = v;
    ++size_;
  }
  std::uint32_t front() const { return buf_[head_]; }
  std::uint32_t pop() {
    const std::uint32_t v = buf_[head_];
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
    return v;
  }
  void clear() { head_ = size_ = 0; }

 private:
  void grow() {
    std::vector<std::uint32_t> bigger(buf_.empty() ? 16 : buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    buf_.swap(bigger);
    head_ = 0;
  }
  std::vector<std::uint32_t> buf_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// A quantity's time integral, for replica-seconds, CPU-seconds, GPU busy time and cost.
struct Integrator {
  double value = 0.0;
  double last = 0.0;
  double integral = 0.0;
  void set(double now, double v) {
    integral += value * (now - last);
    last = now;
    value = v;
  }
  void add(double now, double dv) { set(now, value + dv); }
  double at(double now) const { return integral + value * (now - last); }
};

}  // namespace userscale::sim
