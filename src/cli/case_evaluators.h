// Decision-case evaluation by kind (hpa, kpa, policy): the engine behind `userscale decide`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"

namespace userscale::cli {

// Evaluates one decision case document; `explanation`, when given, receives a human account.
// Errors name the JSON path of the bad field.
Result<nlohmann::json> evaluate_case(const nlohmann::json& doc, std::string* explanation);

}  // namespace userscale::cli
