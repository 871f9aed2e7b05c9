// Kubernetes API responses as the HPA decision path reads them (config/hpa_case.h): the input is
// one object — a HorizontalPodAutoscaler, Scale, PodList, PodMetricsList, MetricValueList
// (custom.metrics.k8s.io) or ExternalMetricValueList — or a watch event wrapping one
// ({"type": "MODIFIED", "object": {...}}), put in its slot of a valid case (case_template.h),
// then parsed and decided as `userscale decide` does. There is no Kubernetes API client yet;
// these readers are what it will feed.
//
// Invariants: an accepted HPA has 0 <= minReplicas <= maxReplicas (the API server's rule), the
// observation holds one pod per PodList item, and a decision that rescales stays within
// [minReplicas, maxReplicas] while one that does not keeps the current count.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "case_template.h"
#include "config/hpa_case.h"
#include "core/policies/hpa.h"
#include "core/reconcile.h"
#include "fuzz_check.h"

namespace {

using nlohmann::json;

// The slot of each object kind in the case's `input`.
const char* slot_for(const json& object, std::size_t size) {
  static const char* const kSlots[] = {"hpa",        "scale",         "pods",
                                       "podMetrics", "customMetrics", "externalMetrics"};
  static const char* const kKinds[] = {
      "HorizontalPodAutoscaler", "Scale",           "PodList",
      "PodMetricsList",          "MetricValueList", "ExternalMetricValueList"};
  if (object.is_object()) {
    auto kind = object.find("kind");
    if (kind != object.end() && kind->is_string()) {
      for (std::size_t i = 0; i < 6; ++i) {
        if (*kind == kKinds[i]) return kSlots[i];
      }
    }
  }
  return kSlots[size % 6];  // no kind: any slot, so that every reader sees such objects
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const json kTemplate = json::parse(kHpaCaseTemplate);
  json object = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return 0;
  // A watch event carries the object under `object`.
  if (object.is_object() && object.contains("type") && object.contains("object")) {
    json inner = std::move(object["object"]);  // moved: a copy recurses once per level
    object = std::move(inner);
  }
  json doc = kTemplate;
  const std::size_t pod_items =
      object.is_object() && object.contains("items") && object["items"].is_array()
          ? object["items"].size()
          : 0;
  const std::string slot = slot_for(object, size);
  doc["input"][slot] = std::move(object);

  auto parsed = userscale::config::parse_hpa_case(doc);
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.error().to_string().empty(), "an error without a message");
    return 0;
  }
  userscale::config::HpaCase& c = *parsed;
  const std::int32_t min = c.spec.effective_min_replicas();
  const std::int32_t max = c.spec.max_replicas;
  FUZZ_CHECK(min >= 0 && min <= max && max >= 1,
             "accepted bounds [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  if (slot == "pods") {
    FUZZ_CHECK(c.observation.pods.size() == pod_items, "pods lost or invented");
  }
  userscale::HpaPolicy policy(c.spec, c.settings);
  const userscale::Decision d =
      userscale::reconcile(policy, c.spec, c.settings, c.history, c.observation);
  FUZZ_CHECK(d.desired_replicas == d.current_replicas ||
                 (d.desired_replicas >= min && d.desired_replicas <= max),
             "desired " + std::to_string(d.desired_replicas) + " from " +
                 std::to_string(d.current_replicas) + " outside [" + std::to_string(min) + ", " +
                 std::to_string(max) + "]");
  return 0;
}
