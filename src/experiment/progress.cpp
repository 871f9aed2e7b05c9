#include "experiment/progress.h"

#include <cstdio>

namespace userscale::experiment {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

}  // namespace

Progress::Progress(std::ostream& out, bool terminal, std::size_t total)
    : out_(out), terminal_(terminal), total_(total) {}

void Progress::update(const std::string& what, double run_seconds, std::size_t done,
                      double elapsed) {
  const std::string count = std::to_string(done) + "/" + std::to_string(total_);
  if (!terminal_) {
    out_ << "[" << count << "] " << what << " (" << seconds(run_seconds) << ")\n" << std::flush;
    return;
  }
  constexpr int kWidth = 30;
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / total_;
  const int filled = static_cast<int>(fraction * kWidth + 0.5);
  std::string bar;
  for (int i = 0; i < kWidth; ++i) bar += i < filled ? "█" : "░";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3.0f%%", 100.0 * fraction);
  // \r and "erase to end of line" redraw the bar in place.
  out_ << "\r" << bar << " " << pct << " " << count << " " << seconds(elapsed) << "  " << what
       << "\x1b[K" << std::flush;
  drawn_ = true;
}

void Progress::note(const std::string& text) {
  if (terminal_ && drawn_) out_ << "\r\x1b[K";
  out_ << text << "\n" << std::flush;
  drawn_ = false;
}

void Progress::finish() {
  if (terminal_ && drawn_) out_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace userscale::experiment
