// Parses the Prometheus text exposition format (version 0.0.4) into samples, for the scaler's
// scrapes and for tests that read a server's /metrics. Pure: text in, samples or an error out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "metrics/prometheus_writer.h"

namespace userscale::metrics {

struct Sample {
  std::string name;
  Labels labels;
  double value = 0.0;
  std::optional<std::int64_t> timestamp_ms;

  std::optional<std::string> label(std::string_view key) const;
};

struct FamilyInfo {
  std::string name;
  std::string type;  // counter, gauge, histogram, summary, untyped; empty when not declared
  std::string help;
};

struct Exposition {
  std::vector<Sample> samples;
  std::vector<FamilyInfo> families;

  // Samples named `name` whose labels include every pair of `match`.
  std::vector<const Sample*> find(std::string_view name, const Labels& match = {}) const;
  // The value of the only sample that matches; nullopt when none or several match.
  std::optional<double> value(std::string_view name, const Labels& match = {}) const;
  const FamilyInfo* family(std::string_view name) const;
};

// Errors name the line: `line 12: expected '=' after label name "code"`.
Result<Exposition> parse_prometheus_text(std::string_view text);

}  // namespace userscale::metrics
