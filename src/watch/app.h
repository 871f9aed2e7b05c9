// `userscale watch`: the loop. Polls every source once per refresh and draws the screen on a
// terminal (keys: q quits, tab or the arrows switch target, p pauses), or prints one plain line
// per refresh when stdout is not a terminal.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace userscale::watch {

struct WatchOptions {
  std::string scaler;                // --scaler URL
  std::string results;               // --results DIR
  std::vector<std::string> compare;  // --compare DIR1 DIR2
  double speed = 1.0;                // simulated seconds per second, for replays
  double interval = 1.0;             // seconds between refreshes
  bool ascii = false;                // no Unicode glyphs
  bool plain = false;                // plain lines even on a terminal
};

// The exit code: 0 after q, a signal, or (plain lines) the end of every replay; 2 on bad input.
int run_watch(const WatchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace userscale::watch
