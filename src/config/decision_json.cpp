#include "config/decision_json.h"

#include <sstream>

#include "core/quantity.h"

namespace userscale::config {

nlohmann::json decision_to_json(const Decision& d, const std::string& policy) {
  nlohmann::json out;
  out["desiredReplicas"] = d.desired_replicas;
  out["currentReplicas"] = d.current_replicas;
  out["policy"] = policy;
  if (d.metrics_evaluated && !d.recommendation.metrics.empty()) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : d.recommendation.metrics) {
      nlohmann::json j;
      j["name"] = m.name;
      if (m.error) {
        j["error"] = *m.error;
      } else {
        if (m.usage_ratio) j["usageRatio"] = *m.usage_ratio;
        if (m.proposed_replicas) j["proposedReplicas"] = *m.proposed_replicas;
        nlohmann::json current = nlohmann::json::object();
        if (m.current.average_utilization) {
          current["averageUtilization"] = *m.current.average_utilization;
        }
        if (m.current.average_value_milli) {
          current["averageValue"] = format_milli(*m.current.average_value_milli);
        }
        if (m.current.value_milli) current["value"] = format_milli(*m.current.value_milli);
        if (!current.empty()) j["current"] = current;
      }
      metrics.push_back(std::move(j));
    }
    out["metrics"] = std::move(metrics);
  }
  if (d.metrics_evaluated && d.recommendation.valid) {
    out["proposedReplicas"] = d.recommendation.desired_replicas;
  }
  if (d.stabilized_replicas) out["stabilizedReplicas"] = *d.stabilized_replicas;
  nlohmann::json conditions = nlohmann::json::array();
  for (const auto& c : d.conditions) {
    conditions.push_back(
        {{"type", c.type}, {"status", c.status}, {"reason", c.reason}, {"message", c.message}});
  }
  out["conditions"] = std::move(conditions);
  out["reason"] = d.reason;
  if (!d.bound_by.empty()) out["boundBy"] = d.bound_by;
  return out;
}

std::string explain_decision(const Decision& d, const AutoscalerSpec& spec) {
  std::ostringstream o;
  o << "current replicas " << d.current_replicas << " (min " << spec.effective_min_replicas()
    << ", max " << spec.max_replicas << ")\n";
  if (!d.metrics_evaluated) {
    o << "metrics not read: " << d.reason << "\n";
  } else {
    for (const auto& m : d.recommendation.metrics) {
      o << "  metric " << m.name << ": ";
      if (m.error) {
        o << "FAILED (" << m.error_reason << "): " << *m.error << "\n";
        continue;
      }
      if (m.current.average_utilization) {
        o << "utilization " << *m.current.average_utilization << "% ";
      }
      if (m.current.average_value_milli) {
        o << "average " << format_milli(*m.current.average_value_milli) << " ";
      }
      if (m.current.value_milli) o << "value " << format_milli(*m.current.value_milli) << " ";
      if (m.target) o << "against target " << *m.target << " ";
      o << "-> ratio " << m.usage_ratio.value_or(0) << " -> proposes "
        << m.proposed_replicas.value_or(0) << " replicas\n";
    }
    if (!d.recommendation.valid) {
      o << "no scaling: " << d.recommendation.reason << "\n";
    } else {
      o << "proposal (max over metrics): " << d.recommendation.desired_replicas << "\n";
      if (d.stabilized_replicas) o << "after stabilization: " << *d.stabilized_replicas << "\n";
    }
  }
  o << "desired replicas " << d.desired_replicas;
  if (!d.bound_by.empty()) o << " (bounded by " << d.bound_by << ")";
  o << (d.rescale ? ", rescale" : ", no change") << "\n";
  for (const auto& c : d.conditions) {
    o << "  condition " << c.type << "=" << c.status << " " << c.reason << ": " << c.message
      << "\n";
  }
  return o.str();
}

}  // namespace userscale::config
