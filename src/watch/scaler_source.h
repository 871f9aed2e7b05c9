// A running scaler as a watch source: polls GET /api/v1/snapshot and follows
// GET /api/v1/decisions?after=SEQ on the scaler's HTTP port (the live-state contract), over one
// keep-alive connection. A failed poll is an "unreachable" poll; the next one tries again, so
// the view recovers by itself when the scaler is back. A restarted scaler's decision sequence
// starts over; after an outage, or when the snapshot names a decision the stream did not
// bring, the stream is read again from the start and only newer lines are shown.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/result.h"
#include "metrics/http_client.h"
#include "watch/clock.h"
#include "watch/source.h"

namespace userscale::watch {

class ScalerSource : public WatchSource {
 public:
  // `url`: http://HOST:PORT[/PREFIX]. `timeout` bounds a connect and each read.
  static Result<std::unique_ptr<ScalerSource>> open(
      const std::string& url, Clock& clock,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  std::string describe() const override { return "scaler " + url_; }
  Poll poll() override;

 private:
  ScalerSource(std::string url, metrics::Url parsed, Clock& clock,
               std::chrono::milliseconds timeout);
  Result<std::string> get_json(const std::string& path);
  // Follows the decision stream; false when the scaler does not serve it (the snapshot's own
  // last decisions are used then).
  // `resync`: read it again from the start, showing only lines newer than those shown.
  bool read_decision_stream(Poll& out, bool resync);
  bool stream_missed(const Snapshot& snap) const;
  void add_decision(Poll& out, const std::string& target, const DecisionLine& d, bool only_newer);

  std::string url_;
  metrics::Url parsed_;
  std::string prefix_;
  Clock& clock_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<metrics::HttpClient> client_;
  long long cursor_ = 0;
  // Lines already shown, per target (time and text), so that the stream and the snapshot's own
  // list never show one decision twice.
  std::map<std::string, std::set<std::string>> seen_;
  std::map<std::string, std::deque<std::string>> seen_order_;
  std::map<std::string, double> newest_;  // the newest decision time shown, per target
  bool resync_ = true;
};

}  // namespace userscale::watch
