// Progress of an experiment: a bar redrawn in place on a terminal, one plain line per finished
// run otherwise (logs, CI).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace userscale::experiment {

class Progress {
 public:
  Progress(std::ostream& out, bool terminal, std::size_t total);
  // After each run: what finished, how many so far, seconds since the start.
  void update(const std::string& what, double run_seconds, std::size_t done, double elapsed);
  // Ends the bar's line (terminal) so that what follows starts on a fresh line.
  void finish();
  // One line between updates (e.g. "stopping").
  void note(const std::string& text);

 private:
  std::ostream& out_;
  bool terminal_;
  std::size_t total_;
  bool drawn_ = false;
};

}  // namespace userscale::experiment
