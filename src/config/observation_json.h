// A compact JSON form of the one Observation type, for decision cases of kind `policy` and
// for recorded runs: per pod phase, readiness, CPU, serving signals and named metrics; GPUs
// with the pods that share them; service-wide signals.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "config/json_reader.h"
#include "core/observation.h"

namespace userscale::config {

// Reads the observation at `path` (an object). Times are seconds or RFC 3339 strings.
Observation read_observation(JsonReader& r, const nlohmann::json& obj, const std::string& path);

nlohmann::json observation_to_json(const Observation& obs);

}  // namespace userscale::config
