#include "metrics/prometheus_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace userscale::metrics {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}
bool is_label_start(char c) {
  return is_name_start(c) && c != ':';
}
bool is_label_char(char c) {
  return is_name_char(c) && c != ':';
}

// A cursor over one line; every read reports failure through `error`.
class LineCursor {
 public:
  explicit LineCursor(std::string_view line) : s_(line) {}

  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  void skip_blanks() {
    while (!done() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string_view take_while(bool (*pred)(char)) {
    const std::size_t start = pos_;
    while (!done() && pred(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view take_token() {
    const std::size_t start = pos_;
    while (!done() && s_[pos_] != ' ' && s_[pos_] != '\t') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view rest() const { return s_.substr(std::min(pos_, s_.size())); }

  // A double-quoted label value with \\, \" and \n escapes.
  std::optional<std::string> quoted(std::string& error) {
    if (!consume('"')) {
      error = "expected '\"' to open a label value";
      return std::nullopt;
    }
    std::string out;
    while (!done()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) break;
        char e = s_[pos_++];
        if (e == 'n') {
          out += '\n';
        } else if (e == '\\' || e == '"') {
          out += e;
        } else {
          error = std::string("unknown escape '\\") + e + "' in a label value";
          return std::nullopt;
        }
      } else {
        out += c;
      }
    }
    error = "unterminated label value";
    return std::nullopt;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<double> parse_value(std::string_view token) {
  if (token == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (token == "+Inf" || token == "Inf") return std::numeric_limits<double>::infinity();
  if (token == "-Inf") return -std::numeric_limits<double>::infinity();
  if (token.empty()) return std::nullopt;
  const std::string copy(token);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) return std::nullopt;
  // strtod also reads "nan", "inf" and hex floats, which the format does not allow.
  for (char c : copy) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  return v;
}

std::optional<std::int64_t> parse_timestamp(std::string_view token) {
  if (token.empty()) return std::nullopt;
  const std::string copy(token);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(copy.c_str(), &end, 10);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

Error line_error(std::size_t line_no, const std::string& message) {
  return Error{"line " + std::to_string(line_no), message};
}

// `# HELP name text` and `# TYPE name type`; other comments are ignored.
Status parse_comment(std::string_view line, std::size_t line_no, Exposition& out) {
  LineCursor cur(line.substr(1));
  cur.skip_blanks();
  const std::string_view keyword = cur.take_token();
  if (keyword != "HELP" && keyword != "TYPE") return ok_status();
  cur.skip_blanks();
  const std::string name(cur.take_while(is_name_char));
  if (name.empty() || !is_name_start(name[0])) {
    return line_error(line_no, "expected a metric name after # " + std::string(keyword));
  }
  cur.skip_blanks();
  FamilyInfo* fam = nullptr;
  for (auto& f : out.families) {
    if (f.name == name) fam = &f;
  }
  if (fam == nullptr) {
    out.families.push_back(FamilyInfo{name, "", ""});
    fam = &out.families.back();
  }
  if (keyword == "TYPE") {
    const std::string type(cur.take_token());
    if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
        type != "untyped") {
      return line_error(line_no, "unknown metric type \"" + type + "\" for " + name);
    }
    if (!fam->type.empty()) return line_error(line_no, "second TYPE line for " + name);
    fam->type = type;
    return ok_status();
  }
  std::string help;
  const std::string_view raw = cur.rest();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == 'n' || raw[i + 1] == '\\')) {
      help += raw[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      help += raw[i];
    }
  }
  fam->help = help;
  return ok_status();
}

Result<Sample> parse_sample(std::string_view line, std::size_t line_no) {
  LineCursor cur(line);
  Sample s;
  s.name = std::string(cur.take_while(is_name_char));
  if (s.name.empty() || !is_name_start(s.name[0])) {
    return line_error(line_no, "expected a metric name");
  }
  cur.skip_blanks();
  if (cur.consume('{')) {
    for (;;) {
      cur.skip_blanks();
      if (cur.consume('}')) break;
      const std::string label(cur.take_while(is_label_char));
      if (label.empty() || !is_label_start(label[0])) {
        return line_error(line_no, "expected a label name or '}' in " + s.name);
      }
      cur.skip_blanks();
      if (!cur.consume('=')) {
        return line_error(line_no, "expected '=' after label name \"" + label + "\"");
      }
      cur.skip_blanks();
      std::string error;
      auto value = cur.quoted(error);
      if (!value) return line_error(line_no, error + " (label \"" + label + "\")");
      for (const auto& [k, v] : s.labels) {
        if (k == label) return line_error(line_no, "duplicate label \"" + label + "\"");
      }
      s.labels.emplace_back(label, std::move(*value));
      cur.skip_blanks();
      if (cur.consume(',')) continue;
      if (cur.consume('}')) break;
      return line_error(line_no, "expected ',' or '}' after a label value");
    }
  }
  cur.skip_blanks();
  const std::string_view value_token = cur.take_token();
  auto value = parse_value(value_token);
  if (!value) {
    return line_error(line_no, "invalid sample value \"" + std::string(value_token) + "\"");
  }
  s.value = *value;
  cur.skip_blanks();
  if (!cur.done()) {
    const std::string_view ts_token = cur.take_token();
    auto ts = parse_timestamp(ts_token);
    if (!ts) return line_error(line_no, "invalid timestamp \"" + std::string(ts_token) + "\"");
    s.timestamp_ms = ts;
    cur.skip_blanks();
    if (!cur.done()) return line_error(line_no, "unexpected text after the timestamp");
  }
  return s;
}

}  // namespace

std::optional<std::string> Sample::label(std::string_view key) const {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<const Sample*> Exposition::find(std::string_view name, const Labels& match) const {
  std::vector<const Sample*> out;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : match) {
      auto got = s.label(k);
      if (!got || *got != v) {
        all = false;
        break;
      }
    }
    if (all) out.push_back(&s);
  }
  return out;
}

std::optional<double> Exposition::value(std::string_view name, const Labels& match) const {
  auto found = find(name, match);
  if (found.size() != 1) return std::nullopt;
  return found.front()->value;
}

const FamilyInfo* Exposition::family(std::string_view name) const {
  for (const FamilyInfo& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<Exposition> parse_prometheus_text(std::string_view text) {
  Exposition out;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
    line.remove_prefix(first);
    if (line.empty()) continue;
    if (line[0] == '#') {
      Status st = parse_comment(line, line_no, out);
      if (!st.ok()) return st.error();
      continue;
    }
    auto sample = parse_sample(line, line_no);
    if (!sample.ok()) return sample.error();
    out.samples.push_back(std::move(sample).value());
  }
  return out;
}

}  // namespace userscale::metrics
