#include "config/decision_record_json.h"

#include "core/decision_record.h"

namespace userscale::config {

nlohmann::json decision_record(const Decision& d, const std::string& target,
                               const std::string& policy) {
  nlohmann::json j;
  j["time"] = d.now;
  j["target"] = target;
  j["policy"] = policy;
  j["current"] = d.current_replicas;
  if (d.metrics_evaluated) {
    j["valid"] = d.recommendation.valid;
    if (d.recommendation.valid) j["proposal"] = d.recommendation.desired_replicas;
  }
  if (d.stabilized_replicas) j["stabilized"] = *d.stabilized_replicas;
  j["desired"] = d.desired_replicas;
  j["rescale"] = d.rescale;
  j["bound_by"] = d.bound_by;
  j["reason"] = d.reason;
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& m : d.recommendation.metrics) {
    nlohmann::json s;
    s["name"] = m.name;
    if (m.value) s["value"] = *m.value;
    if (m.target) s["target"] = *m.target;
    if (m.usage_ratio) s["ratio"] = *m.usage_ratio;
    if (m.proposed_replicas) s["proposed"] = *m.proposed_replicas;
    if (m.error) s["error"] = *m.error;
    signals.push_back(std::move(s));
  }
  j["signals"] = std::move(signals);
  j["human"] = human_line(d);
  return j;
}

}  // namespace userscale::config
