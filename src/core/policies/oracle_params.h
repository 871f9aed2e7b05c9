// The parameters of `oracle`, the simulator-only policy that reads the future load
// (src/sim/oracle_policy.h). They live here so that `userscale validate` checks them like any
// policy's; only the simulator can build the policy itself.
#pragma once

#include "core/policies/policy_params.h"
#include "core/timefmt.h"

namespace userscale {

struct OracleParams {
  // Share of requests within the SLO that the sizing aims for in steady state. A little above
  // the 99 % a run is judged by: a run also has the transitions between counts.
  double slo_attainment = 0.995;
  // How far ahead the load is read: 0 means the scenario's provisioning delay (scheduling,
  // image pull, CUDA init, model load, readiness, a new node when nodes autoscale) plus one
  // sync period.
  Duration lookahead = 0;
};

OracleParams read_oracle_params(ParamReader& reader);

}  // namespace userscale
