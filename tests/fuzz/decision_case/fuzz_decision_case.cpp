// `userscale decide`: a decision case (kinds hpa, kpa, policy) as JSON in, the decision out,
// through cli::evaluate_case exactly as the command runs it. Whatever the bytes, it answers a
// decision or an error naming a field; a decision that rescales stays within
// [minReplicas, maxReplicas], and one that does not keeps the current count.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/case_evaluators.h"
#include "config/gpu_autoscaler.h"
#include "config/hpa_case.h"
#include "fuzz_check.h"

namespace {

using nlohmann::json;

void check_bounds(const json& decision, std::int64_t min, std::int64_t max) {
  const std::int64_t desired = decision.at("desiredReplicas").get<std::int64_t>();
  const std::int64_t current = decision.at("currentReplicas").get<std::int64_t>();
  FUZZ_CHECK(desired == current || (desired >= min && desired <= max),
             "desired " + std::to_string(desired) + " (current " + std::to_string(current) +
                 ") outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As `decide` reads a file: a syntax error is a clear message, never an exception.
  const json doc = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  std::string explanation;
  auto result = userscale::cli::evaluate_case(doc, &explanation);
  if (!result.ok()) {
    FUZZ_CHECK(!result.error().to_string().empty(), "an error without a message");
    return 0;
  }
  const json& out = *result;
  (void)out.dump();  // what decide prints
  const std::string kind = doc.at("kind").get<std::string>();
  if (kind == "hpa") {
    auto c = userscale::config::parse_hpa_case(doc);
    FUZZ_CHECK(c.ok(), "evaluated, but the case does not parse");
    check_bounds(out, c->spec.effective_min_replicas(), c->spec.max_replicas);
  } else if (kind == "policy") {
    auto parsed = userscale::parse_gpu_autoscaler(YAML::Load(doc.at("config").dump()), "config");
    FUZZ_CHECK(parsed.ok(), "evaluated, but the config does not parse");
    for (const json& step : out.at("steps")) {
      check_bounds(step, parsed->spec.effective_min_replicas(), parsed->spec.max_replicas);
    }
  } else if (kind == "kpa") {
    for (const json& step : out.at("steps")) {
      const auto desired = step.at("desiredPodCount").get<std::int64_t>();
      FUZZ_CHECK(step.at("scaleValid").get<bool>() ? desired >= 0 : desired == 0,
                 "kpa desiredPodCount " + std::to_string(desired));
    }
  } else {
    FUZZ_CHECK(false, "a decision for unknown kind " + kind);
  }
  return 0;
}
