#include "watch/plain_line.h"

#include "watch/text_format.h"

namespace userscale::watch {
namespace {

std::string int_text(std::optional<int> v) {
  return v ? std::to_string(*v) : "n/a";
}

std::string pane_text(const WatchModel& m) {
  if (m.unreachable_since()) {
    return "SOURCE UNREACHABLE since " + clock_text(*m.unreachable_since(), false) + ": " +
           m.error();
  }
  if (!m.ever_reached()) return "connecting";
  if (m.targets().empty()) return "no targets";
  std::string out;
  for (const TargetState& t : m.targets()) {
    const TargetView& v = t.view;
    if (!out.empty()) out += " | ";
    out += v.name + (v.policy.empty() ? "" : " (" + v.policy + ")") +
           " desired=" + int_text(v.desired) + " current=" + int_text(v.current) +
           " ready=" + int_text(v.ready) +
           " rate=" + (v.service.arrival_rps ? num(v.service.arrival_rps) + "/s" : "n/a") +
           " p99=" + (v.service.latency_p99_ms ? num(v.service.latency_p99_ms) + "ms" : "n/a");
    if (!t.decisions.empty()) out += " last=\"" + t.decisions.back().line + "\"";
  }
  if (m.finished()) out += " [replay finished]";
  return out;
}

}  // namespace

std::string plain_line(const std::vector<const WatchModel*>& panes, double wall_now) {
  std::string time = clock_text(wall_now, false);
  for (const WatchModel* m : panes) {
    if (m->time() && !m->unreachable_since()) {
      time = clock_text(*m->time(), m->relative_time());
      break;
    }
  }
  std::string out = time;
  for (std::size_t i = 0; i < panes.size(); ++i) {
    out += i == 0 ? " " : " || ";
    out += pane_text(*panes[i]);
  }
  // Escape codes or line breaks inside a name or a decision line would break a log line.
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

}  // namespace userscale::watch
