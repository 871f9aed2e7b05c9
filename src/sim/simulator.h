// The embedded world: a deterministic discrete-event simulation of one service on a GPU cluster,
// driven by the same reconcile() and Policy as every other world.
#pragma once

#include <functional>
#include <memory>

#include "config/scenario.h"
#include "config/trace.h"
#include "core/policy.h"
#include "core/result.h"
#include "sim/results.h"

namespace userscale::sim {

using PolicyFactory = std::function<std::unique_ptr<Policy>()>;

struct SimInputs {
  const config::Scenario* scenario = nullptr;
  PolicyFactory make_policy;
  // Required when the load is a trace; load it with config::load_trace. Not owned.
  const config::Trace* trace = nullptr;
  Sink* sink = nullptr;  // decision records and timeline rows, as they happen
};

// Runs the scenario to its end. Errors only for inputs the simulator cannot use.
Result<Summary> simulate(const SimInputs& in);

}  // namespace userscale::sim
