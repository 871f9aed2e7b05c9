#include "sim/policy_factory.h"

#include "core/policies/oracle_params.h"
#include "core/policies/policy_params.h"
#include "core/policies/registry.h"
#include "sim/oracle_model.h"
#include "sim/oracle_policy.h"

namespace userscale::sim {

Result<PolicyMaker> make_policy_factory(const config::Scenario& sc, const config::Trace* trace) {
  if (sc.autoscaler.policy.name == "oracle") {
    ParamReader reader(sc.autoscaler.policy.params);
    const OracleParams params = read_oracle_params(reader);
    if (auto errors = reader.finish(); !errors.empty()) return errors.front();
    auto model = build_oracle_model(sc, trace, params);
    if (!model.ok()) return model.error();
    std::shared_ptr<const OracleModel> shared = *model;
    return PolicyMaker{
        [shared]() -> std::unique_ptr<Policy> { return std::make_unique<OraclePolicy>(shared); },
        shared};
  }
  // The scenario's SLO is the service's: an operator would configure gpuaware with it.
  AutoscalerSpec spec = sc.autoscaler;
  if (spec.policy.name == "gpuaware" && spec.policy.params.count("slo_ms") == 0) {
    spec.policy.params["slo_ms"] = format_shortest(sc.slo.latency_ms);
  }
  // Built once now, so that a bad name or parameter is reported before any run.
  auto probe = make_policy(spec, sc.hpa);
  if (!probe.ok()) return probe.error();
  return PolicyMaker{[spec, settings = sc.hpa]() -> std::unique_ptr<Policy> {
                       auto p = make_policy(spec, settings);
                       return p.ok() ? std::move(p).value() : nullptr;
                     },
                     nullptr};
}

}  // namespace userscale::sim
