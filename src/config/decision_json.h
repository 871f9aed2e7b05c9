// The decision as JSON (decision-cases.md §3) and as a human account (--explain).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/autoscaler_spec.h"
#include "core/reconcile.h"

namespace userscale::config {

nlohmann::json decision_to_json(const Decision& d, const std::string& policy);

// Per metric: value, ratio, proposal (or the error); then which rule bounded the result.
std::string explain_decision(const Decision& d, const AutoscalerSpec& spec);

}  // namespace userscale::config
