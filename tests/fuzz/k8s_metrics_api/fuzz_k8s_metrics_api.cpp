// The metrics API parsers (metrics/k8s_metrics_api.h): every answer the metrics-API source
// reads from metrics-server and the custom and external metrics adapters goes through them,
// and an adapter's JSON is not ours to trust. Each input is given to all three parsers.
// Invariants: an error names a field path inside the document; an accepted answer holds only
// named pods and objects, non-negative usage, non-negative windows and finite times; every
// quantity read writes back (core/quantity.h) to the same milli-value.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/quantity.h"
#include "fuzz_check.h"
#include "metrics/k8s_metrics_api.h"

namespace {

using userscale::Error;

void check_error(const Error& e) {
  const bool located =
      e.path.empty() || e.path == "kind" || e.path == "items" || e.path.rfind("items[", 0) == 0;
  FUZZ_CHECK(located, "error outside the document: " + e.to_string());
  FUZZ_CHECK(!e.message.empty(), "error without a message at " + e.path);
}

void check_milli(std::int64_t milli) {
  auto again = userscale::parse_quantity(userscale::format_milli(milli));
  FUZZ_CHECK(again && again->milli == milli,
             "quantity does not round-trip: " + userscale::format_milli(milli));
}

void check_time(double t) {
  FUZZ_CHECK(std::isfinite(t), "a time that is not finite");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto pods = userscale::metrics::parse_pod_metrics_list(body);
  if (!pods.ok()) {
    check_error(pods.error());
  } else {
    for (const auto& p : *pods) {
      FUZZ_CHECK(!p.pod.empty(), "a pod without a name");
      check_time(p.timestamp);
      FUZZ_CHECK(std::isfinite(p.window) && p.window >= 0, "bad window of " + p.pod);
      for (const auto& c : p.containers) {
        FUZZ_CHECK(!c.name.empty(), "a container without a name in " + p.pod);
        for (const auto& [res, milli] : c.usage_milli) {
          FUZZ_CHECK(milli >= 0, "negative usage " + res + " in " + p.pod);
          check_milli(milli);
        }
      }
    }
  }

  auto custom = userscale::metrics::parse_metric_value_list(body);
  if (!custom.ok()) {
    check_error(custom.error());
  } else {
    for (const auto& v : *custom) {
      FUZZ_CHECK(!v.object_kind.empty() && !v.object_name.empty() && !v.metric_name.empty(),
                 "an unnamed custom metric value");
      check_time(v.timestamp);
      FUZZ_CHECK(!v.window || (std::isfinite(*v.window) && *v.window >= 0), "bad windowSeconds");
      check_milli(v.value_milli);
    }
  }

  auto external = userscale::metrics::parse_external_metric_value_list(body);
  if (!external.ok()) {
    check_error(external.error());
  } else {
    for (const auto& v : *external) {
      FUZZ_CHECK(!v.metric_name.empty(), "an external value without a metric name");
      check_time(v.timestamp);
      check_milli(v.value_milli);
    }
  }
  return 0;
}
