#include "watch/app.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <memory>

#include "watch/clock.h"
#include "watch/plain_line.h"
#include "watch/render.h"
#include "watch/results_source.h"
#include "watch/scaler_source.h"
#include "watch/terminal.h"
#include "watch/watch_model.h"

namespace userscale::watch {
namespace {

std::atomic<bool> g_stop{false};

void on_stop_signal(int) {
  g_stop.store(true);
}

// No SA_RESTART: a signal wakes the wait at once.
void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  struct sigaction wake {};
  wake.sa_handler = [](int) {};
  sigemptyset(&wake.sa_mask);
  ::sigaction(SIGWINCH, &wake, nullptr);
}

struct Pane {
  std::unique_ptr<WatchSource> source;
  WatchModel model;
};

class Watcher {
 public:
  Watcher(std::vector<Pane> panes, Clock& clock) : panes_(std::move(panes)), clock_(clock) {}

  void poll_all() {
    for (Pane& p : panes_) {
      Poll poll = p.source->poll();
      p.model.apply(poll, clock_.wall());
    }
  }
  bool all_finished() const {
    return std::all_of(panes_.begin(), panes_.end(),
                       [](const Pane& p) { return p.model.finished(); });
  }
  std::vector<const WatchModel*> models() const {
    std::vector<const WatchModel*> out;
    for (const Pane& p : panes_) out.push_back(&p.model);
    return out;
  }
  std::size_t target_count() const {
    std::size_t n = 1;
    for (const Pane& p : panes_) n = std::max(n, p.model.targets().size());
    return n;
  }
  void set_paused(bool paused) {
    for (Pane& p : panes_) p.source->set_paused(paused);
  }

 private:
  std::vector<Pane> panes_;
  Clock& clock_;
};

int wait_ms(double seconds) {
  return static_cast<int>(std::clamp(std::ceil(seconds * 1000.0), 0.0, 60'000.0));
}

int run_plain(Watcher& w, Clock& clock, double interval, std::ostream& out) {
  double next = clock.now();
  while (!g_stop.load()) {
    w.poll_all();
    out << plain_line(w.models(), clock.wall()) << "\n" << std::flush;
    if (w.all_finished()) return 0;
    next += interval;
    // Sleep in short steps so that a signal between the check and the sleep costs little.
    while (!g_stop.load() && clock.now() < next) {
      ::poll(nullptr, 0, std::min(100, wait_ms(next - clock.now())));
    }
  }
  return 0;
}

int run_screen(Watcher& w, Clock& clock, double interval, bool unicode, std::ostream& err) {
  auto term = Terminal::open();
  if (!term.ok()) {
    err << "userscale watch: " << term.error().to_string() << "\n";
    return 1;
  }
  ViewState view;
  double next = clock.now();
  std::pair<int, int> drawn_size{0, 0};
  bool dirty = true;
  while (!g_stop.load()) {
    if (clock.now() >= next) {
      if (!view.paused) w.poll_all();
      next = std::max(next + interval, clock.now());
      dirty = true;
    }
    const auto size = (*term)->size();
    if (dirty || size != drawn_size) {
      RenderOptions o{size.first, size.second, unicode};
      (*term)->draw(render_screen(w.models(), view, o));
      drawn_size = size;
      dirty = false;
    }
    for (Key k : (*term)->read_keys(std::min(250, wait_ms(next - clock.now())))) {
      const std::size_t n = w.target_count();
      switch (k) {
        case Key::Quit:
          return 0;
        case Key::Pause:
          view.paused = !view.paused;
          w.set_paused(view.paused);
          break;
        case Key::Next:
          view.selected = (view.selected + 1) % n;
          break;
        case Key::Prev:
          view.selected = (view.selected + n - 1) % n;
          break;
      }
      dirty = true;
    }
  }
  return 0;
}

}  // namespace

int run_watch(const WatchOptions& o, std::ostream& out, std::ostream& err) {
  const int given =
      (o.scaler.empty() ? 0 : 1) + (o.results.empty() ? 0 : 1) + (o.compare.empty() ? 0 : 1);
  if (given != 1) {
    err << "userscale watch: give exactly one of --scaler URL, --results DIR, "
           "--compare DIR1 DIR2\n";
    return 2;
  }
  if (!(o.interval > 0.0) || !std::isfinite(o.interval)) {
    err << "userscale watch: --interval: must be a positive number of seconds\n";
    return 2;
  }
  if (!o.compare.empty() && o.compare.size() != 2) {
    err << "userscale watch: --compare takes two run folders\n";
    return 2;
  }
  SystemClock clock;
  std::vector<Pane> panes;
  auto add = [&](Result<std::unique_ptr<ResultsSource>> r) {
    if (!r.ok()) {
      err << "userscale watch: " << r.error().to_string() << "\n";
      return false;
    }
    std::string title = (*r)->describe();
    panes.push_back(Pane{std::move(r).value(), WatchModel(title)});
    return true;
  };
  if (!o.scaler.empty()) {
    auto s = ScalerSource::open(o.scaler, clock);
    if (!s.ok()) {
      err << "userscale watch: " << s.error().to_string() << "\n";
      return 2;
    }
    std::string title = (*s)->describe();
    panes.push_back(Pane{std::move(s).value(), WatchModel(title)});
  } else if (!o.results.empty()) {
    if (!add(ResultsSource::open(o.results, clock, o.speed))) return 2;
  } else {
    for (const std::string& dir : o.compare) {
      if (!add(ResultsSource::open(dir, clock, o.speed))) return 2;
    }
  }
  g_stop.store(false);
  install_signals();
  Watcher w(std::move(panes), clock);
  if (o.plain || !::isatty(STDOUT_FILENO)) return run_plain(w, clock, o.interval, out);
  return run_screen(w, clock, o.interval, !o.ascii && locale_is_utf8(), err);
}

}  // namespace userscale::watch
