// Decision cases of kind `policy`: a GPUAutoscaler configuration and a time series of
// observations, evaluated by whichever policy the configuration selects, one decision per step.
//
//   {"kind": "policy", "name": "...", "source": "...",
//    "config": { GPUAutoscaler resource, as JSON },
//    "settings": { optional HPA controller settings, as in hpa cases' input.config },
//    "steps": [ { observation (config/observation_json.h), "expect": {...} }, ... ]}
//
// A step without `scale` continues from the previous decision: its current replica count is
// the count the previous step decided (the first step starts at minReplicas).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"

namespace userscale::config {

// Output: {"policy": NAME, "steps": [{"desiredReplicas", "currentReplicas", "proposal",
// "boundBy", "reason", "human", "signals", ...}, ...]}.
Result<nlohmann::json> evaluate_policy_case(const nlohmann::json& doc, std::string* explanation);

}  // namespace userscale::config
