// Which policy a GPUAutoscaler selects: `spec.policy.name` to a Policy object, with its
// parameters (`spec.policy.params`) parsed and validated. Pure: no I/O.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/autoscaler_spec.h"
#include "core/policy.h"
#include "core/result.h"

namespace userscale {

// Every policy name this project defines (DESIGN.md), built into this binary or not.
const std::vector<std::string>& policy_names();

// The policy `spec.policy.name` selects, or an Error whose path is the field at fault:
// `spec.policy.name` for an unknown or not-yet-built policy, `spec.policy.params.X` for a bad
// parameter (the first one; policy_param_errors lists them all).
Result<std::unique_ptr<Policy>> make_policy(const AutoscalerSpec& spec,
                                            const HpaSettings& settings);

// Every mistake in `spec.policy` (name and parameters), for `userscale validate`.
std::vector<Error> policy_param_errors(const AutoscalerSpec& spec);

}  // namespace userscale
