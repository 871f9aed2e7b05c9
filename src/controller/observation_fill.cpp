#include "controller/observation_fill.h"

#include <cmath>

namespace userscale::controller {
namespace {

std::int64_t milli(double v) {
  return static_cast<std::int64_t>(std::llround(v * 1000.0));
}

}  // namespace

void publish_pod_metrics(Observation& obs, const std::map<std::string, double>& cpu_cores,
                         Time now) {
  std::vector<PodResourceMetrics> resource;
  for (auto& p : obs.pods) {
    const ServingSignals& s = p.serving;
    const Time at = s.sample_time.value_or(now);
    const std::optional<Duration> window =
        s.window > 0 ? std::optional<Duration>(s.window) : std::nullopt;
    for (const auto& m : kServingMetricNames) {
      const std::optional<double>& v = s.*m.field;
      if (!v || !std::isfinite(*v)) continue;
      obs.custom_metrics.push_back(
          CustomMetricValue{"Pod", p.name, m.metric, milli(*v), at, window});
    }
    if (auto it = cpu_cores.find(p.name); it != cpu_cores.end()) {
      PodResourceMetrics m;
      m.pod = p.name;
      m.timestamp = at;
      m.window = s.window > 0 ? s.window : 1.0;
      m.containers.push_back(ContainerUsage{"serve", {{"cpu", milli(it->second)}}});
      resource.push_back(std::move(m));
      const auto req = p.containers.empty() ? 0 : p.containers[0].requests_milli["cpu"];
      if (req > 0) p.serving.cpu_utilization = 100.0 * milli(it->second) / static_cast<double>(req);
    }
  }
  obs.pod_metrics = std::move(resource);
}

}  // namespace userscale::controller
