// The Kubernetes API's name rules (apimachinery validation), each returning the reason a
// value breaks it, or nullopt when the value is valid. The reasons end with the offending
// value, so that they read as `metadata.name: <reason>` on their own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace userscale {

// Object names (metadata.name of most kinds): a lowercase RFC 1123 subdomain.
std::optional<std::string> check_dns1123_subdomain(std::string_view value);
// Namespaces and container names: a lowercase RFC 1123 label.
std::optional<std::string> check_dns1123_label(std::string_view value);
// Label and annotation keys: [prefix/]name.
std::optional<std::string> check_qualified_name(std::string_view value);
// Label values: empty, or up to 63 alphanumerics, '-', '_', '.' inside.
std::optional<std::string> check_label_value(std::string_view value);
// Names that become one segment of a URL path (scaleTargetRef, metric names).
std::optional<std::string> check_path_segment_name(std::string_view value);

}  // namespace userscale
