#include "watch/watch_model.h"

#include <algorithm>

namespace userscale::watch {

TargetState* WatchModel::find(const std::string& name) {
  auto it = std::find_if(targets_.begin(), targets_.end(),
                         [&](const TargetState& t) { return t.view.name == name; });
  return it == targets_.end() ? nullptr : &*it;
}

void WatchModel::apply(const Poll& poll, double wall_now) {
  last_wall_ = wall_now;
  if (!poll.reachable) {
    // Keep the last state on screen; say since when it is stale.
    if (!unreachable_since_) unreachable_since_ = wall_now;
    error_ = poll.error;
    return;
  }
  unreachable_since_.reset();
  error_.clear();
  ever_reached_ = true;
  source_ = poll.snapshot.source;
  time_ = poll.snapshot.time;
  relative_time_ = poll.snapshot.relative_time;
  end_time_ = poll.snapshot.end_time;
  finished_ = poll.finished;
  // The snapshot says which targets exist now, in its order; a target gone from it goes, with
  // its history.
  std::vector<TargetState> next;
  for (const TargetView& v : poll.snapshot.targets) {
    if (std::any_of(next.begin(), next.end(),
                    [&](const TargetState& t) { return t.view.name == v.name; })) {
      continue;
    }
    TargetState state;
    if (TargetState* old = find(v.name)) state = std::move(*old);
    state.view = v;
    next.push_back(std::move(state));
  }
  targets_ = std::move(next);
  for (const TargetSample& s : poll.samples) {
    TargetState* t = find(s.target);
    if (t == nullptr) continue;
    t->history.push_back(s.sample);
    while (t->history.size() > kHistory) t->history.pop_front();
  }
  for (const TargetDecision& d : poll.decisions) {
    TargetState* t = find(d.target);
    if (t == nullptr) continue;
    t->decisions.push_back(d.decision);
    while (t->decisions.size() > kDecisions) t->decisions.pop_front();
  }
}

}  // namespace userscale::watch
