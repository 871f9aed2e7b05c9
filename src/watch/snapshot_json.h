// Parsing of the scaler's /api/v1/snapshot and /api/v1/decisions answers (the live-state
// contract). Unknown fields are ignored; missing, null or mistyped optional fields read as
// unknown. Only a body that is not JSON, or whose shape is wrong at the top, is an error.
#pragma once

#include <string_view>

#include "core/result.h"
#include "watch/snapshot.h"

namespace userscale::watch {

Result<Snapshot> parse_snapshot(std::string_view json_text);
Result<DecisionsPage> parse_decisions_page(std::string_view json_text);

}  // namespace userscale::watch
