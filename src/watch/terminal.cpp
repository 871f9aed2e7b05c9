#include "watch/terminal.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace userscale::watch {
namespace {

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

const char* sgr(Style s) {
  switch (s) {
    case Style::Normal:
      return "";
    case Style::Title:
      return "\x1b[1m";
    case Style::Dim:
      return "\x1b[2m";
    case Style::Good:
      return "\x1b[32m";
    case Style::Warn:
      return "\x1b[33m";
    case Style::Bad:
      return "\x1b[1;31m";
    case Style::Alert:
      return "\x1b[1;37;41m";
  }
  return "";
}

}  // namespace

std::vector<Key> parse_keys(std::string_view b) {
  std::vector<Key> keys;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const char c = b[i];
    if (c == 'q' || c == 'Q') {
      keys.push_back(Key::Quit);
    } else if (c == 'p' || c == 'P' || c == ' ') {
      keys.push_back(Key::Pause);
    } else if (c == '\t') {
      keys.push_back(Key::Next);
    } else if (c == '\x1b' && i + 2 < b.size() && (b[i + 1] == '[' || b[i + 1] == 'O')) {
      // CSI or SS3: skip parameters to the final byte.
      std::size_t j = i + 2;
      while (j < b.size() && (std::isdigit(static_cast<unsigned char>(b[j])) || b[j] == ';')) ++j;
      if (j >= b.size()) break;
      const char f = b[j];
      if (f == 'C') keys.push_back(Key::Next);
      if (f == 'D' || f == 'Z') keys.push_back(Key::Prev);
      i = j;
    }
  }
  return keys;
}

std::string frame_bytes(const std::vector<ScreenLine>& lines) {
  std::string out = "\x1b[H";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (const Span& s : lines[i].spans) {
      const char* code = sgr(s.style);
      out += code;
      for (char c : s.text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
      }
      if (*code) out += "\x1b[0m";
    }
    out += "\x1b[K";
    if (i + 1 < lines.size()) out += "\r\n";
  }
  out += "\x1b[J";
  return out;
}

bool locale_is_utf8() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') continue;
    std::string s;
    for (const char* p = v; *p; ++p)
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    return s.find("utf-8") != std::string::npos || s.find("utf8") != std::string::npos;
  }
  return false;
}

Result<std::unique_ptr<Terminal>> Terminal::open() {
  if (!::isatty(STDOUT_FILENO)) return Error{"terminal", "stdout is not a terminal"};
  std::unique_ptr<Terminal> t(new Terminal());
  if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &t->saved_) == 0) {
    termios raw = t->saved_;
    // No line buffering and no echo; signals (Ctrl-C) still work.
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_iflag &= static_cast<tcflag_t>(~(IXON | ICRNL));
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
      t->restore_termios_ = true;
      t->keys_ = true;
    }
  }
  // Alternate screen, cursor hidden.
  write_all(STDOUT_FILENO, "\x1b[?1049h\x1b[?25l\x1b[2J");
  return t;
}

Terminal::~Terminal() {
  write_all(STDOUT_FILENO, "\x1b[0m\x1b[?25h\x1b[?1049l");
  if (restore_termios_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
}

std::pair<int, int> Terminal::size() const {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    return {ws.ws_col, ws.ws_row};
  }
  return {80, 24};
}

void Terminal::draw(const std::vector<ScreenLine>& lines) {
  write_all(STDOUT_FILENO, frame_bytes(lines));
}

std::vector<Key> Terminal::read_keys(int timeout_ms) {
  if (!keys_) {
    ::poll(nullptr, 0, std::max(0, timeout_ms));
    return {};
  }
  pollfd p{STDIN_FILENO, POLLIN, 0};
  if (::poll(&p, 1, std::max(0, timeout_ms)) <= 0) return {};
  char buf[256];
  const ssize_t n = (p.revents & POLLIN) != 0 ? ::read(STDIN_FILENO, buf, sizeof buf) : 0;
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
    keys_ = false;  // the keyboard is gone (hang-up): keep drawing, stop reading
    return {};
  }
  if (n < 0) return {};
  return parse_keys(std::string_view(buf, static_cast<std::size_t>(n)));
}

}  // namespace userscale::watch
