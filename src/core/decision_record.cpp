#include "core/decision_record.h"

#include <cmath>
#include <cstdio>

namespace userscale {
namespace {

std::string format_value(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e12) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

}  // namespace

std::string signal_summary(const Recommendation& rec) {
  std::string out;
  for (const auto& m : rec.metrics) {
    if (!out.empty()) out += ' ';
    out += m.name + '=';
    if (m.error || !m.value) {
      out += "n/a";
    } else {
      out += format_value(*m.value);
    }
  }
  return out;
}

std::string human_line(const Decision& d) {
  const std::string signals = d.metrics_evaluated ? signal_summary(d.recommendation) : "";
  const std::string cur = std::to_string(d.current_replicas);
  if (d.rescale) {
    std::string line = "SCALED " + cur + " -> " + std::to_string(d.desired_replicas);
    if (!signals.empty()) line += " (" + signals + ")";
    if (!d.bound_by.empty()) line += " limited by " + d.bound_by;
    return line;
  }
  std::string line = "HOLD " + cur;
  if (d.metrics_evaluated && d.recommendation.valid &&
      d.recommendation.desired_replicas != d.current_replicas) {
    line += " (wanted " + std::to_string(d.recommendation.desired_replicas) + ")";
  }
  if (!d.bound_by.empty()) {
    line += ": blocked by " + d.bound_by;
  } else if (!d.reason.empty()) {
    line += ": " + d.reason;
  }
  if (!signals.empty()) line += " [" + signals + "]";
  return line;
}

}  // namespace userscale
