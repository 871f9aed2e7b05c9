// The Prometheus text parser (metrics/prometheus_parser.h): every scrape the scaler reads goes
// through it, and a target's /metrics is not ours to trust. Invariants: a parsed exposition
// holds only well-formed names, and writing its samples back (metrics/prometheus_writer.h)
// and parsing again gives the same samples.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "metrics/prometheus_parser.h"
#include "metrics/prometheus_writer.h"

namespace {

using userscale::metrics::Exposition;
using userscale::metrics::PrometheusWriter;
using userscale::metrics::Sample;

bool name_ok(const std::string& name, bool label) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (!label && c == ':') || (i > 0 && digit))) return false;
  }
  return true;
}

bool same_value(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = userscale::metrics::parse_prometheus_text(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().path.rfind("line ", 0) == 0,
               "error without a line: " + parsed.error().to_string());
    return 0;
  }
  const Exposition& e = *parsed;
  PrometheusWriter w;
  for (const Sample& s : e.samples) {
    FUZZ_CHECK(name_ok(s.name, false), "bad metric name \"" + s.name + "\"");
    for (const auto& [k, v] : s.labels) FUZZ_CHECK(name_ok(k, true), "bad label \"" + k + "\"");
    // The lookups the scaler makes must answer without surprises.
    FUZZ_CHECK(!e.find(s.name, s.labels).empty(), "a sample does not find itself: " + s.name);
    (void)e.value(s.name, s.labels);
    w.sample(s.name, s.labels, s.value);
  }
  for (const auto& f : e.families) FUZZ_CHECK(name_ok(f.name, false), "bad family " + f.name);

  auto again = userscale::metrics::parse_prometheus_text(w.text());
  FUZZ_CHECK(again.ok(), "the writer's text does not parse: " + again.error().to_string());
  FUZZ_CHECK(again->samples.size() == e.samples.size(), "round trip changed the sample count");
  for (std::size_t i = 0; i < e.samples.size(); ++i) {
    const Sample& a = e.samples[i];
    const Sample& b = again->samples[i];
    FUZZ_CHECK(a.name == b.name && a.labels == b.labels && same_value(a.value, b.value),
               "round trip changed sample " + std::to_string(i) + " (" + a.name + ")");
  }
  return 0;
}
