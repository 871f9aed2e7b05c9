// The watcher's output when stdout is not a terminal: one plain line per refresh, with no
// escape codes, so that it can be logged or piped:
//   +00:02:50 gpu-service desired=8 current=8 ready=8 rate=41.5/s p99=56.9ms last="SCALED 4 -> 8
//   (...)"
// Targets are separated by " | ", the panes of a comparison by " || ".
#pragma once

#include <string>
#include <vector>

#include "watch/watch_model.h"

namespace userscale::watch {

std::string plain_line(const std::vector<const WatchModel*>& panes, double wall_now);

}  // namespace userscale::watch
