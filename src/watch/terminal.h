// The terminal, in plain ANSI (no curses needed): raw keyboard input, the alternate screen,
// drawing a frame of styled lines, and the window size. Restored on destruction, including
// after a signal ends the loop.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <termios.h>

#include "core/result.h"
#include "watch/render.h"

namespace userscale::watch {

enum class Key { Quit, Pause, Next, Prev };

// Keys in a chunk of bytes read from the terminal: q, p (or space), tab, the arrow keys
// (ESC [ C / ESC O C and friends) and shift-tab; anything else is ignored.
std::vector<Key> parse_keys(std::string_view bytes);

// A frame as bytes for the terminal: home, each line with its SGR styles and an erase to the
// end of the line, then an erase of what is below. Control bytes in the text are replaced.
std::string frame_bytes(const std::vector<ScreenLine>& lines);

class Terminal {
 public:
  // Needs stdout to be a terminal; keys are read from stdin when it is one.
  static Result<std::unique_ptr<Terminal>> open();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  ~Terminal();

  std::pair<int, int> size() const;  // columns, rows
  void draw(const std::vector<ScreenLine>& lines);
  // Waits at most `timeout_ms` for input (returns early on a key or a signal).
  std::vector<Key> read_keys(int timeout_ms);

 private:
  Terminal() = default;
  bool keys_ = false;
  bool restore_termios_ = false;
  termios saved_{};
};

// True when the locale says UTF-8 (LC_ALL, LC_CTYPE or LANG).
bool locale_is_utf8();

}  // namespace userscale::watch
