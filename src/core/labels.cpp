#include "core/labels.h"

#include <algorithm>
#include <cctype>

namespace userscale {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_key(std::string_view k) {
  if (k.empty() || k.size() > 317) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

bool valid_value(std::string_view v) {
  if (v.size() > 63) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Splits on commas that are not inside parentheses.
std::vector<std::string_view> split_top_level(std::string_view s) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ',' && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

}  // namespace

bool requirement_matches(const SelectorRequirement& r, const Labels& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  auto in_values = [&] {
    return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
  };
  switch (r.op) {
    case SelectorOp::In:
    case SelectorOp::Equals:
      return in_values();
    case SelectorOp::NotIn:
    case SelectorOp::NotEquals:
      return !in_values();
    case SelectorOp::Exists:
      return has;
    case SelectorOp::DoesNotExist:
      return !has;
  }
  return false;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [k, v] : match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return std::all_of(match_expressions.begin(), match_expressions.end(),
                     [&](const SelectorRequirement& r) { return requirement_matches(r, labels); });
}

std::string to_selector_string(const LabelSelector& s) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : s.match_labels) parts.push_back(k + "=" + v);
  for (const auto& r : s.match_expressions) {
    std::vector<std::string> values = r.values;
    std::sort(values.begin(), values.end());
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ",") + v;
    switch (r.op) {
      case SelectorOp::In:
        parts.push_back(r.key + " in (" + list + ")");
        break;
      case SelectorOp::NotIn:
        parts.push_back(r.key + " notin (" + list + ")");
        break;
      case SelectorOp::Equals:
        parts.push_back(r.key + "=" + (values.empty() ? "" : values[0]));
        break;
      case SelectorOp::NotEquals:
        parts.push_back(r.key + "!=" + (values.empty() ? "" : values[0]));
        break;
      case SelectorOp::Exists:
        parts.push_back(r.key);
        break;
      case SelectorOp::DoesNotExist:
        parts.push_back("!" + r.key);
        break;
    }
  }
  // Upstream sorts the requirements by key.
  std::stable_sort(parts.begin(), parts.end(), [](const std::string& a, const std::string& b) {
    auto key = [](const std::string& p) {
      const std::size_t from = !p.empty() && p[0] == '!' ? 1 : 0;
      return p.substr(from, p.find_first_of("=! ", from) - from);
    };
    return key(a) < key(b);
  });
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::optional<std::vector<SelectorRequirement>> parse_selector_string(std::string_view text) {
  std::vector<SelectorRequirement> out;
  text = trim(text);
  if (text.empty()) return out;
  for (std::string_view raw : split_top_level(text)) {
    std::string_view part = trim(raw);
    if (part.empty()) return std::nullopt;
    SelectorRequirement req;
    if (part.front() == '!') {
      auto key = trim(part.substr(1));
      if (!valid_key(key)) return std::nullopt;
      req.key = std::string(key);
      req.op = SelectorOp::DoesNotExist;
      out.push_back(std::move(req));
      continue;
    }
    std::size_t pos;
    if ((pos = part.find("!=")) != std::string_view::npos) {
      req.op = SelectorOp::NotEquals;
      req.key = std::string(trim(part.substr(0, pos)));
      req.values.emplace_back(trim(part.substr(pos + 2)));
    } else if ((pos = part.find("==")) != std::string_view::npos) {
      req.op = SelectorOp::Equals;
      req.key = std::string(trim(part.substr(0, pos)));
      req.values.emplace_back(trim(part.substr(pos + 2)));
    } else if ((pos = part.find('=')) != std::string_view::npos) {
      req.op = SelectorOp::Equals;
      req.key = std::string(trim(part.substr(0, pos)));
      req.values.emplace_back(trim(part.substr(pos + 1)));
    } else if (auto open = part.find('('); open != std::string_view::npos) {
      if (part.back() != ')') return std::nullopt;
      std::string_view head = trim(part.substr(0, open));
      auto space = head.find_last_of(" \t");
      if (space == std::string_view::npos) return std::nullopt;
      std::string_view op = trim(head.substr(space + 1));
      req.key = std::string(trim(head.substr(0, space)));
      if (op == "in") {
        req.op = SelectorOp::In;
      } else if (op == "notin") {
        req.op = SelectorOp::NotIn;
      } else {
        return std::nullopt;
      }
      std::string_view inner = part.substr(open + 1, part.size() - open - 2);
      for (std::string_view v : split_top_level(inner)) {
        v = trim(v);
        if (!valid_value(v)) return std::nullopt;
        req.values.emplace_back(v);
      }
    } else {
      req.op = SelectorOp::Exists;
      req.key = std::string(part);
    }
    if (!valid_key(req.key)) return std::nullopt;
    for (const auto& v : req.values) {
      if (!valid_value(v)) return std::nullopt;
    }
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace userscale
