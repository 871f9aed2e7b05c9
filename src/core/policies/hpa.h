// Policy `hpa`: the Kubernetes HPA (autoscaling/v2), computed as Kubernetes computes it
// (reference/hpa-spec.md). The replica arithmetic is in hpa_replica_calculator.h; the
// behavior (stabilization, rate limits) is applied by core/reconcile.h like for every policy.
#pragma once

#include "core/autoscaler_spec.h"
#include "core/policy.h"

namespace userscale {

class HpaPolicy : public Policy {
 public:
  HpaPolicy(AutoscalerSpec spec, HpaSettings settings, std::string name = "hpa")
      : spec_(std::move(spec)), settings_(settings), name_(std::move(name)) {}

  std::string name() const override { return name_; }
  Recommendation recommend(const Observation& obs) override;
  bool uses_hpa_legacy_normalization() const override { return true; }

 private:
  MetricProposal evaluate(const MetricSpec& metric, const Observation& obs) const;

  AutoscalerSpec spec_;
  HpaSettings settings_;
  std::string name_;
};

}  // namespace userscale
