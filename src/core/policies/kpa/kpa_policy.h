// Policy `kpa`: Knative's Pod Autoscaler decider (kpa-spec.md) behind the Policy interface. It
// owns the collector's windows and the decider; each observation adds one revision-wide stat
// and asks the decider. Params are the Knative knob names (knobs.h), as text.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/policies/kpa/collector.h"
#include "core/policies/kpa/decider.h"
#include "core/policies/kpa/knobs.h"
#include "core/policy.h"
#include "core/result.h"

namespace userscale {

class KpaPolicy : public Policy {
 public:
  explicit KpaPolicy(kpa::KpaKnobs knobs, std::string name = "kpa");

  // From a GPUAutoscaler's policy params ({"stable-window": "60s", "target": "10"}); an error
  // names the knob.
  static Result<std::unique_ptr<KpaPolicy>> from_params(
      const std::map<std::string, std::string>& params, std::string name = "kpa");

  std::string name() const override { return name_; }

  // Records the revision-wide value of each metric the ready pods report (concurrency: in
  // flight + queued; rps: arrival rate) at obs.now, then decides with the ready pods (Running
  // and Ready). When no pod reports the configured metric the result is not valid: a missing
  // metric never scales down.
  Recommendation recommend(const Observation& obs) override;

  const kpa::DeciderSpec& spec() const { return spec_; }
  // Created at the first observation, like upstream creates it when the revision appears.
  const kpa::Decider* decider() const { return decider_ ? &*decider_ : nullptr; }

 private:
  void record(kpa::ScalingMetric metric, std::optional<double> value, Time now);

  kpa::KpaKnobs knobs_;
  kpa::DeciderSpec spec_;
  kpa::MetricCollector collector_;
  std::optional<kpa::Decider> decider_;
  std::optional<std::int64_t> last_second_[2];  // last second recorded, per metric
  std::string name_;
};

}  // namespace userscale
