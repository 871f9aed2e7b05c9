// The screen as a pure function: from the models of the sources (one pane each, side by side),
// the terminal's size and the view's state (selected target, paused) to lines of styled text.
// Nothing here touches a terminal, so tests read the screen as text.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "watch/watch_model.h"

namespace userscale::watch {

enum class Style { Normal, Title, Dim, Good, Warn, Bad, Alert };

struct Span {
  std::string text;
  Style style = Style::Normal;
};

struct ScreenLine {
  std::vector<Span> spans;
  std::string text() const;
};

struct ViewState {
  std::size_t selected = 0;  // target index, the same in every pane (modulo its count)
  bool paused = false;
};

struct RenderOptions {
  int width = 80;
  int height = 24;
  bool unicode = true;  // block sparklines and box separators; ASCII otherwise
};

// At most `height` lines, none wider than `width` columns.
std::vector<ScreenLine> render_screen(const std::vector<const WatchModel*>& panes,
                                      const ViewState& view, const RenderOptions& options);

// One source's pane: exactly `height` lines (padded), each at most `width` columns.
std::vector<ScreenLine> render_pane(const WatchModel& model, std::size_t selected, int width,
                                    int height, bool unicode, bool with_title);

}  // namespace userscale::watch
