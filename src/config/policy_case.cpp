#include "config/policy_case.h"

#include <yaml-cpp/yaml.h>

#include "config/decision_record_json.h"
#include "config/gpu_autoscaler.h"
#include "config/json_reader.h"
#include "config/observation_json.h"
#include "core/decision_record.h"
#include "core/policies/policy_params.h"
#include "core/policies/registry.h"
#include "core/reconcile.h"

namespace userscale::config {
namespace {

HpaSettings read_settings(JsonReader& r, const json& doc) {
  HpaSettings s;
  const json* c = r.object(doc, "", "settings", false);
  if (!c) return s;
  auto seconds = [&](const char* key, double& out) {
    if (auto v = r.number(*c, "settings", key, false)) {
      if (*v < 0) r.fail(join_path("settings", key), "must be >= 0");
      out = *v;
    }
  };
  seconds("tolerance", s.tolerance);
  seconds("cpuInitializationPeriodSeconds", s.cpu_initialization_period);
  seconds("initialReadinessDelaySeconds", s.initial_readiness_delay);
  seconds("downscaleStabilizationWindowSeconds", s.downscale_stabilization_window);
  return s;
}

}  // namespace

Result<nlohmann::json> evaluate_policy_case(const json& doc, std::string* explanation) {
  JsonReader r;
  r.string(doc, "", "name", true);
  const json* config = r.object(doc, "", "config", true);
  const json* steps = r.array(doc, "", "steps", true);
  HpaSettings settings = read_settings(r, doc);
  if (!r.ok()) return r.error();
  if (steps->empty()) return Error{"steps", "must hold at least one step"};

  // JSON is YAML: the configuration goes through the one GPUAutoscaler validator. Not every
  // JSON document survives the trip: yaml-cpp refuses keys over 1024 characters and nesting
  // past its depth guard by exception, which ended `userscale decide` (found with
  // tests/fuzz/decision_case).
  YAML::Node config_yaml;
  try {
    config_yaml = YAML::Load(config->dump());
  } catch (const YAML::Exception& e) {
    return Error{"config", "cannot be read as a YAML document: " + e.msg};
  }
  auto parsed = parse_gpu_autoscaler(config_yaml, "config");
  if (!parsed) return parsed.to_result().error();
  const AutoscalerSpec& spec = parsed->spec;
  auto policy = make_policy(spec, settings);
  if (!policy) return Error{"config." + policy.error().path, policy.error().message};

  BehaviorState state;
  std::int32_t replicas = spec.effective_min_replicas();
  json out_steps = json::array();
  std::string account;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const std::string path = index_path("steps", i);
    json step = (*steps)[i];
    if (!step.is_object()) return Error{path, "expected object"};
    if (!step.contains("scale")) step["scale"] = {{"replicas", replicas}};
    Observation obs = read_observation(r, step, path);
    if (!r.ok()) return r.error();
    if (i > 0 && obs.now < out_steps.back()["time"].get<double>()) {
      return Error{join_path(path, "now"), "step times must not decrease"};
    }
    Decision d = reconcile(**policy, spec, settings, state, obs);
    json record = decision_record(d, spec.scale_target_ref.name, (*policy)->name());
    record["desiredReplicas"] = d.desired_replicas;
    record["currentReplicas"] = d.current_replicas;
    if (!d.bound_by.empty()) record["boundBy"] = d.bound_by;
    out_steps.push_back(std::move(record));
    replicas = d.desired_replicas;
    if (explanation) account += "t=" + format_shortest(obs.now) + "s " + human_line(d) + "\n";
  }
  if (explanation) *explanation = account;
  return json{{"policy", (*policy)->name()}, {"steps", std::move(out_steps)}};
}

}  // namespace userscale::config
