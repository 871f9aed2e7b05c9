// `oracle`: the simulator-only policy that knows the future load. Each tick it holds the fewest
// replicas that, by the OracleModel's measured table, carry the highest arrival rate of the
// next `lookahead` seconds (what a replica asked for now could still serve) within the SLO.
// It reads the observation only for the time: everything else it knows, no cluster could tell.
#pragma once

#include <memory>

#include "core/policy.h"
#include "sim/oracle_model.h"

namespace userscale::sim {

class OraclePolicy : public Policy {
 public:
  explicit OraclePolicy(std::shared_ptr<const OracleModel> model) : model_(std::move(model)) {}
  std::string name() const override { return "oracle"; }
  Recommendation recommend(const Observation& obs) override;

 private:
  std::shared_ptr<const OracleModel> model_;
};

}  // namespace userscale::sim
