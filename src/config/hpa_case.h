// Decision cases of kind `hpa` (reference/decision-cases.md): Kubernetes objects in, the
// observation, spec, controller settings and history out.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/autoscaler_spec.h"
#include "core/behavior.h"
#include "core/observation.h"
#include "core/result.h"

namespace userscale::config {

struct HpaCase {
  std::string name;
  std::string source;
  AutoscalerSpec spec;
  HpaSettings settings;
  BehaviorState history;
  Observation observation;
};

// Parses and validates the whole case; an error names the JSON path of the bad field.
Result<HpaCase> parse_hpa_case(const nlohmann::json& doc);

// A v1 Pod object as the HPA reads it: labels, phase, containers and restartable init
// containers with their requests, pod-level requests (shared by cases and the Kubernetes world).
Result<PodInfo> parse_pod(const nlohmann::json& pod);

// The autoscaling/v2 HorizontalPodAutoscaler `spec` at `path` (shared by cases and configs
// written as JSON).
class JsonReader;
AutoscalerSpec read_hpa_spec(JsonReader& r, const nlohmann::json& spec, const std::string& path);

}  // namespace userscale::config
