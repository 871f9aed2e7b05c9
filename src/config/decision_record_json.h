// The decision record as one JSON line (events.jsonl, the scaler's log, `decide` kind policy).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/reconcile.h"

namespace userscale::config {

// {time, target, policy, current, proposal, stabilized, desired, rescale, bound_by, reason,
//  valid, signals: [{name, value, target, ratio, proposed, error}], human}
nlohmann::json decision_record(const Decision& d, const std::string& target,
                               const std::string& policy);

}  // namespace userscale::config
