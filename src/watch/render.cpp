#include "watch/render.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "watch/text_format.h"

namespace userscale::watch {
namespace {

ScreenLine line(std::string text, Style style = Style::Normal) {
  return ScreenLine{{Span{std::move(text), style}}};
}

void add(ScreenLine& l, std::string text, Style style = Style::Normal) {
  l.spans.push_back(Span{std::move(text), style});
}

// Cut a line to `width` columns, span by span, then pad it to exactly `width` when asked.
ScreenLine fit(const ScreenLine& in, std::size_t width, bool pad_out) {
  ScreenLine out;
  std::size_t used = 0;
  for (const Span& s : in.spans) {
    if (used >= width) break;
    std::string t = truncate(s.text, width - used);
    used += columns(t);
    out.spans.push_back(Span{std::move(t), s.style});
  }
  if (pad_out && used < width) out.spans.push_back(Span{std::string(width - used, ' ')});
  return out;
}

int phase_rank(const std::string& phase) {
  static const std::map<std::string, int> kOrder = {
      {"pending", 0}, {"starting", 1}, {"ready", 2}, {"terminating", 3}};
  auto it = kOrder.find(phase);
  return it == kOrder.end() ? 4 : it->second;
}

std::vector<std::pair<std::string, int>> phase_counts(const TargetView& v) {
  if (!v.phase_counts.empty()) return v.phase_counts;
  std::vector<std::pair<std::string, int>> out = {
      {"pending", 0}, {"starting", 0}, {"ready", 0}, {"terminating", 0}};
  for (const PodView& p : v.pods) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == p.phase; });
    if (it == out.end()) {
      out.emplace_back(p.phase.empty() ? "unknown" : p.phase, 1);
    } else {
      ++it->second;
    }
  }
  return out;
}

std::string opt_int(std::optional<int> v) {
  return v ? std::to_string(*v) : "n/a";
}

// The sparklines: the last `width` samples of desired, current and ready on one scale.
std::vector<ScreenLine> history_lines(const TargetState& t, int width, bool unicode) {
  const int label = 11;
  const int spark = std::max(1, width - label - 6);
  const std::size_t n = std::min<std::size_t>(t.history.size(), static_cast<std::size_t>(spark));
  const auto first = t.history.end() - static_cast<std::ptrdiff_t>(n);
  int top = 1;
  for (auto it = first; it != t.history.end(); ++it) {
    for (const auto& v : {it->desired, it->current, it->ready}) {
      if (v) top = std::max(top, *v);
    }
  }
  std::vector<ScreenLine> out;
  const std::pair<const char*, std::optional<int> Sample::*> series[] = {
      {"desired", &Sample::desired}, {"current", &Sample::current}, {"ready", &Sample::ready}};
  for (const auto& [name, member] : series) {
    std::vector<std::optional<int>> values;
    for (auto it = first; it != t.history.end(); ++it) values.push_back((*it).*member);
    ScreenLine l;
    add(l, pad(std::string("  ") + name, label), Style::Dim);
    add(l, sparkline(values, top, unicode), Style::Good);
    // The last value is the last glyph's ("n/a" when unknown or no history yet).
    add(l, " " + (values.empty() ? std::string("n/a") : opt_int(values.back())));
    out.push_back(std::move(l));
  }
  return out;
}

ScreenLine replicas_line(const TargetState& t) {
  const TargetView& v = t.view;
  ScreenLine l;
  add(l, "replicas   ", Style::Title);
  add(l, "desired " + opt_int(v.desired) + "  current " + opt_int(v.current) + "  ready " +
             opt_int(v.ready));
  if (v.min || v.max)
    add(l, "  (min " + opt_int(v.min) + ", max " + opt_int(v.max) + ")", Style::Dim);
  if (t.history.size() >= 2) {
    add(l, "  history " + age(t.history.back().time - t.history.front().time), Style::Dim);
  }
  return l;
}

ScreenLine pods_line(const TargetView& v) {
  ScreenLine l;
  add(l, "pods       ", Style::Title);
  std::string text;
  for (const auto& [phase, count] : phase_counts(v)) {
    if (!text.empty()) text += "  ";
    text += phase + " " + std::to_string(count);
  }
  add(l, text);
  return l;
}

std::vector<ScreenLine> pod_lines(const TargetView& v) {
  std::vector<PodView> pods = v.pods;
  std::stable_sort(pods.begin(), pods.end(), [](const PodView& a, const PodView& b) {
    const int ra = phase_rank(a.phase), rb = phase_rank(b.phase);
    return ra != rb ? ra < rb : a.name < b.name;
  });
  std::size_t name_width = 8;
  for (const PodView& p : pods) name_width = std::max(name_width, columns(p.name));
  std::vector<ScreenLine> out;
  for (const PodView& p : pods) {
    ScreenLine l;
    add(l, "  " + pad(p.name, name_width) + "  ");
    const Style s = p.phase == "ready"         ? Style::Good
                    : p.phase == "terminating" ? Style::Dim
                                               : Style::Warn;
    add(l, pad(p.phase.empty() ? "unknown" : p.phase, 12), s);
    add(l, pad(age(p.age_seconds), 8));
    if (!p.gpu.empty()) add(l, "on " + p.gpu, Style::Dim);
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<ScreenLine> gpu_lines(const TargetView& v) {
  std::size_t id_width = 4;
  for (const GpuView& g : v.gpus) id_width = std::max(id_width, columns(g.uuid));
  std::vector<ScreenLine> out;
  for (const GpuView& g : v.gpus) {
    ScreenLine l;
    add(l, "  " + pad(g.uuid, id_width) + "  ");
    if (!g.model.empty()) add(l, g.model + "  ", Style::Dim);
    const Style s = !g.utilization           ? Style::Dim
                    : *g.utilization >= 90.0 ? Style::Warn
                                             : Style::Normal;
    add(l, "util " + pad(num(g.utilization) + "%", 7) + bar(g.utilization, 10), s);
    add(l, "  mem " + memory_text(g.memory_used_bytes, g.memory_total_bytes));
    if (g.pods) {
      std::string pods;
      for (const std::string& p : *g.pods) pods += (pods.empty() ? "" : ", ") + p;
      add(l, "  pods " + (pods.empty() ? std::string("none") : pods));
    }
    out.push_back(std::move(l));
  }
  return out;
}

ScreenLine service_line(const ServiceView& s) {
  ScreenLine l;
  add(l, "service    ", Style::Title);
  add(l, "arrival " + num(s.arrival_rps) + " req/s  throughput " + num(s.throughput_rps) +
             " req/s  in flight " + num(s.in_flight, 0) + "  queued " + num(s.queued, 0));
  return l;
}

ScreenLine latency_line(const ServiceView& s) {
  ScreenLine l;
  add(l, "latency    ", Style::Title);
  auto ms = [](std::optional<double> v) { return v ? num(v) + " ms" : std::string("n/a"); };
  add(l, "p50 " + ms(s.latency_p50_ms) + "  p95 " + ms(s.latency_p95_ms) + "  p99 " +
             ms(s.latency_p99_ms) + "  SLO " + (s.slo_ms ? num(s.slo_ms, 0) + " ms" : "n/a"));
  if (s.slo_ms && s.latency_p99_ms) {
    if (*s.latency_p99_ms > *s.slo_ms) {
      add(l, "  p99 OVER SLO", Style::Bad);
    } else {
      add(l, "  p99 within SLO", Style::Good);
    }
  }
  return l;
}

ScreenLine decision_line(const DecisionLine& d, bool relative) {
  ScreenLine l;
  add(l, "  " + (d.time ? clock_text(*d.time, relative) : std::string("?")) + "  ", Style::Dim);
  const Style s = d.line.rfind("SCALED", 0) == 0 ? Style::Title : Style::Normal;
  add(l, d.line, s);
  return l;
}

// A list cut to `room` lines: the first ones, the last line saying how many were left out.
void take_head(std::vector<ScreenLine>& out, const std::vector<ScreenLine>& items,
               std::size_t room) {
  if (items.size() <= room) {
    out.insert(out.end(), items.begin(), items.end());
    return;
  }
  if (room == 0) return;
  out.insert(out.end(), items.begin(), items.begin() + static_cast<std::ptrdiff_t>(room - 1));
  out.push_back(line("  ... and " + std::to_string(items.size() - room + 1) + " more", Style::Dim));
}

}  // namespace

std::string ScreenLine::text() const {
  std::string out;
  for (const Span& s : spans) out += s.text;
  return out;
}

std::vector<ScreenLine> render_pane(const WatchModel& model, std::size_t selected, int width,
                                    int height, bool unicode, bool with_title) {
  const auto w = static_cast<std::size_t>(std::max(0, width));
  const auto h = static_cast<std::size_t>(std::max(0, height));
  std::vector<ScreenLine> head;
  if (with_title) head.push_back(line(model.title(), Style::Title));
  if (model.unreachable_since()) {
    const double since = *model.unreachable_since();
    head.push_back(line("SOURCE UNREACHABLE since " + clock_text(since, false) + " (" +
                            age(model.last_wall() - since) + "): " + model.error(),
                        Style::Alert));
    if (model.ever_reached()) head.push_back(line("last known state below", Style::Dim));
  }
  std::vector<ScreenLine> out = head;
  if (!model.ever_reached()) {
    if (!model.unreachable_since()) out.push_back(line("connecting...", Style::Dim));
  } else if (model.targets().empty()) {
    out.push_back(line("no targets", Style::Dim));
  } else {
    const auto& targets = model.targets();
    const TargetState& t = targets[selected % targets.size()];
    const TargetView& v = t.view;
    ScreenLine title;
    add(title,
        "target " + std::to_string(selected % targets.size() + 1) + "/" +
            std::to_string(targets.size()) + "  ",
        Style::Dim);
    add(title, v.name, Style::Title);
    add(title, "  policy " + (v.policy.empty() ? std::string("n/a") : v.policy));
    if (model.finished()) add(title, "  [replay finished]", Style::Warn);
    out.push_back(std::move(title));
    out.push_back(replicas_line(t));
    for (auto& l : history_lines(t, width, unicode)) out.push_back(std::move(l));
    out.push_back(pods_line(v));
    const std::vector<ScreenLine> pods = pod_lines(v);
    const std::size_t pods_at = out.size();
    ScreenLine gpus_head;
    add(gpus_head, "gpus       ", Style::Title);
    add(gpus_head, std::to_string(v.gpus.size()) + (v.gpus.empty() ? " known" : ""));
    out.push_back(std::move(gpus_head));
    const std::vector<ScreenLine> gpus = gpu_lines(v);
    const std::size_t gpus_at = out.size();
    out.push_back(service_line(v.service));
    out.push_back(latency_line(v.service));
    ScreenLine dec_head;
    add(dec_head, "decisions  ", Style::Title);
    out.push_back(std::move(dec_head));

    // Share the rows left between the GPU list, the pod list and the decisions; whatever one
    // does not need goes to the others.
    std::size_t room = h > out.size() ? h - out.size() : 0;
    const std::size_t decisions_total = t.decisions.size();
    std::size_t g =
        std::min(gpus.size(), std::max<std::size_t>(room / 3, std::min<std::size_t>(room, 2)));
    room -= g;
    std::size_t p = std::min(pods.size(), room / 2);
    room -= p;
    std::size_t d = std::min(decisions_total, room);
    room -= d;
    const std::size_t more_g = std::min(gpus.size() - g, room);
    g += more_g;
    room -= more_g;
    p += std::min(pods.size() - p, room);

    std::vector<ScreenLine> gpu_part, pod_part;
    take_head(gpu_part, gpus, g);
    take_head(pod_part, pods, p);
    out.back().spans.push_back(Span{decisions_total == 0 ? "none yet"
                                                         : "last " + std::to_string(d) + " of " +
                                                               std::to_string(decisions_total)});
    for (std::size_t i = decisions_total - d; i < decisions_total; ++i) {
      out.push_back(decision_line(t.decisions[i], model.relative_time()));
    }
    // Insert the lists after the fixed lines were placed (GPUs first: later index).
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(gpus_at), gpu_part.begin(),
               gpu_part.end());
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(pods_at), pod_part.begin(),
               pod_part.end());
  }
  if (out.size() > h) out.resize(h);
  std::vector<ScreenLine> fitted;
  for (const ScreenLine& l : out) fitted.push_back(fit(l, w, true));
  while (fitted.size() < h) fitted.push_back(fit(ScreenLine{}, w, true));
  return fitted;
}

std::vector<ScreenLine> render_screen(const std::vector<const WatchModel*>& panes,
                                      const ViewState& view, const RenderOptions& options) {
  const int width = std::max(1, options.width);
  const int height = std::max(1, options.height);
  std::vector<ScreenLine> out;
  ScreenLine header;
  add(header, "userscale watch", Style::Title);
  if (panes.size() == 1) {
    add(header, "  " + panes[0]->title());
  } else {
    add(header, "  compare " + std::to_string(panes.size()) + " runs");
  }
  // The time of the first pane that knows one (a comparison's replays share one clock).
  for (const WatchModel* m : panes) {
    if (!m->time()) continue;
    std::string t = "  " + clock_text(*m->time(), m->relative_time());
    if (m->relative_time() && m->end_time()) t += " of " + clock_text(*m->end_time(), true);
    add(header, t);
    break;
  }
  if (view.paused) add(header, "  PAUSED", Style::Alert);
  out.push_back(std::move(header));
  const int body = std::max(0, height - 2);
  if (!panes.empty() && body > 0) {
    const std::string sep = options.unicode ? " \u2502 " : " | ";
    const int n = static_cast<int>(panes.size());
    const int pane_width = std::max(1, (width - (n - 1) * 3) / n);
    std::vector<std::vector<ScreenLine>> cols;
    for (const WatchModel* m : panes) {
      cols.push_back(render_pane(*m, view.selected, pane_width, body, options.unicode, n > 1));
    }
    for (int r = 0; r < body; ++r) {
      ScreenLine l;
      for (int c = 0; c < n; ++c) {
        if (c > 0) add(l, sep, Style::Dim);
        for (const Span& s : cols[static_cast<std::size_t>(c)][static_cast<std::size_t>(r)].spans) {
          l.spans.push_back(s);
        }
      }
      out.push_back(std::move(l));
    }
  }
  if (height >= 2) {
    out.push_back(line(std::string("q quit  tab ") + (options.unicode ? "\u2190 \u2192" : "<- ->") +
                           " switch target  p " + (view.paused ? "resume" : "pause"),
                       Style::Dim));
  }
  if (out.size() > static_cast<std::size_t>(height)) out.resize(static_cast<std::size_t>(height));
  for (ScreenLine& l : out) l = fit(l, static_cast<std::size_t>(width), false);
  return out;
}

}  // namespace userscale::watch
