// The policy a scenario's autoscaler names, as the simulator builds it: any policy of the
// registry, or `oracle`, which only the simulator can build (it reads the scenario's future
// load and measures the scenario's service first).
#pragma once

#include "config/scenario.h"
#include "config/trace.h"
#include "core/result.h"
#include "sim/oracle_model.h"
#include "sim/simulator.h"

namespace userscale::sim {

struct PolicyMaker {
  PolicyFactory make;
  std::shared_ptr<const OracleModel> oracle;  // set for `oracle`: its table and bound
};

// Errors name the field (`spec.policy.params.slo_attainment: ...`). The factory owns what it
// needs; `trace` must outlive it.
Result<PolicyMaker> make_policy_factory(const config::Scenario& sc, const config::Trace* trace);

}  // namespace userscale::sim
