#include "config/k8s_names.h"

#include <cctype>

namespace userscale {
namespace {

bool lower_alnum(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c));
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || !lower_alnum(s.front()) || !lower_alnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!lower_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    if (!is_dns_label(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters.
bool is_label_name(std::string_view s) {
  if (s.empty() || s.size() > 63 || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace

std::optional<std::string> check_dns1123_subdomain(std::string_view value) {
  if (is_dns_subdomain(value)) return std::nullopt;
  return "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting and ending "
         "with a letter or digit, at most 253 characters), got " +
         quoted(value);
}

std::optional<std::string> check_dns1123_label(std::string_view value) {
  if (is_dns_label(value)) return std::nullopt;
  return "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending with a "
         "letter or digit, at most 63 characters), got " +
         quoted(value);
}

std::optional<std::string> check_qualified_name(std::string_view value) {
  std::size_t slash = value.find('/');
  bool ok = slash == std::string_view::npos ? is_label_name(value)
                                            : is_dns_subdomain(value.substr(0, slash)) &&
                                                  is_label_name(value.substr(slash + 1));
  if (ok) return std::nullopt;
  return "must be a qualified name ([prefix/]name; name at most 63 characters of a-z, A-Z, 0-9, "
         "'-', '_' and '.', starting and ending with a letter or digit; prefix a DNS "
         "subdomain), got " +
         quoted(value);
}

std::optional<std::string> check_label_value(std::string_view value) {
  if (value.empty() || is_label_name(value)) return std::nullopt;
  return "must be at most 63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and ending "
         "with a letter or digit, got " +
         quoted(value);
}

std::optional<std::string> check_path_segment_name(std::string_view value) {
  if (value == "." || value == "..") return "must not be \".\" or \"..\", got " + quoted(value);
  if (value.find_first_of("/%") != std::string_view::npos) {
    return "must not contain '/' or '%', got " + quoted(value);
  }
  return std::nullopt;
}

}  // namespace userscale
