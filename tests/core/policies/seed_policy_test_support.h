// Observations for the seed-policy tests: serving pods with chosen signals, built in one line.
#pragma once

#include <string>
#include <vector>

#include "core/observation.h"

namespace userscale::testing {

// A Running, Ready pod whose serving signals were sampled at `sample_time`.
inline PodInfo serving_pod(const std::string& name, Time sample_time,
                           const ServingSignals& signals = {}) {
  PodInfo pod;
  pod.name = name;
  pod.phase = PodPhase::Running;
  pod.ready = PodReadyCondition{ConditionStatus::True, sample_time - 600};
  pod.start_time = sample_time - 600;
  pod.serving = signals;
  if (!pod.serving.sample_time) pod.serving.sample_time = sample_time;
  pod.serving.window = 15;
  return pod;
}

// `replicas` in the scale, one serving pod per entry of `pods` (named p0, p1, ...), all
// sampled at `now`.
inline Observation observation(Time now, std::int32_t replicas,
                               const std::vector<ServingSignals>& pods) {
  Observation obs;
  obs.now = now;
  obs.scale.spec_replicas = replicas;
  obs.scale.status_replicas = replicas;
  obs.scale.selector = "app=gpu";
  for (std::size_t i = 0; i < pods.size(); ++i) {
    obs.pods.push_back(serving_pod("p" + std::to_string(i), now, pods[i]));
  }
  return obs;
}

// `n` copies of the same signals.
inline std::vector<ServingSignals> same(int n, const ServingSignals& s) {
  return std::vector<ServingSignals>(static_cast<std::size_t>(n), s);
}

}  // namespace userscale::testing
