// A finished run replayed as if it were live: the replay clock runs `speed` simulated seconds
// per second of the injected clock, starting at the first sample, and each poll hands over the
// timeline rows and decision records whose time has come. A paused replay's clock stands still.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "watch/clock.h"
#include "watch/run_files.h"
#include "watch/source.h"

namespace userscale::watch {

class ResultsSource : public WatchSource {
 public:
  static Result<std::unique_ptr<ResultsSource>> open(const std::string& dir, Clock& clock,
                                                     double speed);
  ResultsSource(std::string label, std::vector<ReplayRun> runs, Clock& clock, double speed);

  std::string describe() const override;
  Poll poll() override;
  void set_paused(bool paused) override;

  double start_time() const { return start_; }
  double end_time() const { return end_; }
  double replay_time() const { return sim_; }

 private:
  void advance();
  TargetView view_at(const ReplayRun& run, double t) const;

  std::string label_;
  std::vector<ReplayRun> runs_;
  Clock& clock_;
  double speed_;
  double start_ = 0.0;
  double end_ = 0.0;
  double sim_ = 0.0;        // the replay's simulated time now
  double delivered_ = 0.0;  // rows and decisions up to this time were handed over
  bool started_ = false;
  bool paused_ = false;
  double last_now_ = 0.0;
};

}  // namespace userscale::watch
