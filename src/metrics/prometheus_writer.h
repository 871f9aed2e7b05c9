// Writes the Prometheus text exposition format (version 0.0.4): `# HELP`, `# TYPE` and sample
// lines, with label values and help text escaped as the format requires.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace userscale::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { Counter, Gauge, Histogram, Untyped };

// The content type a scraper expects for this format.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class PrometheusWriter {
 public:
  // Starts a metric family; every sample of the family must follow before the next family.
  void family(std::string_view name, std::string_view help, MetricType type);
  void sample(std::string_view name, const Labels& labels, double value);
  // A histogram's samples: `_bucket` lines for every upper bound and +Inf, then `_sum` and
  // `_count`. `cumulative` holds one count per bound plus the total (the +Inf bucket).
  void histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<std::uint64_t>& cumulative, double sum);

  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// Shortest round-trip form; NaN, +Inf and -Inf as the format spells them.
std::string format_value(double value);

}  // namespace userscale::metrics
