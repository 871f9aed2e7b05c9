// Fault matrix, metric rows (docs/fault-matrix.md): every policy of the registry, through the
// real controller, fed by a source whose signals are missing, stale, NaN, negative, absurdly
// large or reported by too few pods. Each row starts at 4 replicas (bounds 2..6) with idle
// signals that would scale in, so that a scale-down on doubt would show; then the fault
// clears and the same policy must scale in (recovery), which also proves the row could fail.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

#include "config/gpu_autoscaler.h"
#include "controller/controller.h"
#include "core/policies/registry.h"
#include "fakes.h"

namespace userscale::controller {
namespace {

using testing::FakeActuator;
using testing::SignalFaultSource;
using Fault = SignalFaultSource::Fault;

constexpr int kMin = 2, kMax = 6, kStart = 4;

// The examples' parameters (examples/configs), bounds 2..6, no scale-down stabilization, so
// that a healthy idle observation scales in within the recovery phase.
std::string config_for(const std::string& policy) {
  std::string metrics, params;
  if (policy == "hpa") {
    metrics = R"(  metrics:
  - type: Pods
    pods:
      metric: {name: requests_in_flight}
      target: {type: AverageValue, averageValue: "2"}
)";
  } else if (policy == "hpa-gpu") {
    metrics = R"(  metrics:
  - type: Pods
    pods:
      metric: {name: DCGM_FI_DEV_GPU_UTIL}
      target: {type: AverageValue, averageValue: "70"}
)";
  } else if (policy == "userscale-score") {
    params =
        "{requests_target: 8, requests_high: 10, requests_critical: 12, "
        "scale_up_cooldown: 8s, scale_down_cooldown: 40s}";
  } else if (policy == "ewma") {
    params =
        "{alpha: 0.6, users_target_per_pod: 10, cpu_target: 50, gpu_target: 60, "
        "latency_target_ms: 200, lower_band: 0.7, cooldown_period: 30s}";
  } else if (policy == "latency") {
    params = "{threshold_ms: 500, window: 60s, period: 30s}";
  } else if (policy == "kpa") {
    params = "{metric: concurrency, target: 10, stable-window: 60s}";
  }
  return "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\n"
         "metadata: {name: t, namespace: default}\nspec:\n"
         "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gpu-service}\n"
         "  minReplicas: " +
         std::to_string(kMin) + "\n  maxReplicas: " + std::to_string(kMax) + "\n" + metrics +
         "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 0}\n" +
         "  policy: {name: " + policy + (params.empty() ? "" : ", params: " + params) + "}\n" +
         "  syncPeriodSeconds: 5\n";
}

struct Row {
  const char* policy;
  Fault fault;
};

std::string fault_name(Fault f) {
  switch (f) {
    case Fault::None:
      return "none";
    case Fault::Missing:
      return "missing";
    case Fault::Stale:
      return "stale";
    case Fault::NaN:
      return "nan";
    case Fault::Negative:
      return "negative";
    case Fault::AbsurdlyLarge:
      return "absurdly_large";
    case Fault::TooFewPods:
      return "too_few_pods";
  }
  return "?";
}

// How a row reads in test listings and ctest ("hpa-gpu, nan").
void PrintTo(const Row& row, std::ostream* os) {
  *os << row.policy << ", " << fault_name(row.fault);
}

// The decision kind every tick of a fault row records, and words its line must hold.
std::string expected_kind(Fault f) {
  switch (f) {
    case Fault::Missing:
    case Fault::Stale:
      return "stale";
    case Fault::TooFewPods:
      return "partial";
    default:
      return "invalid";
  }
}
std::string expected_words(Fault f) {
  switch (f) {
    case Fault::Missing:
      return "the newest serving sample is missing";
    case Fault::Stale:
      return "the newest serving sample is 600 s old";
    case Fault::NaN:
      return "is not a number";
    case Fault::Negative:
      return "is negative (-5)";
    case Fault::AbsurdlyLarge:
      return "is absurdly large (1e+300)";
    case Fault::TooFewPods:
      return "only 1 of 4 ready pods reported a fresh sample";
    default:
      return "";
  }
}

class FaultMatrixMetrics : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    auto parsed = parse_gpu_autoscaler_yaml(config_for(GetParam().policy));
    ASSERT_TRUE(parsed.ok()) << parsed.errors().front().to_string();
    TargetSetup t;
    t.name = "default/gpu-service";
    t.spec = parsed->spec;
    auto policy = make_policy(t.spec, t.settings);
    ASSERT_TRUE(policy.ok()) << policy.error().to_string();
    t.policy = std::move(policy).value();
    t.source = &source;
    t.actuator = &actuator;
    ctl.add_target(std::move(t));
    actuator.calls.clear();
  }
  // Ticks for `seconds` of manual time, checking the bounds after every tick.
  void run_for(double seconds) {
    const Time end = clock.now() + seconds;
    while (clock.now() < end) {
      ctl.tick_due();
      ASSERT_GE(actuator.desired, kMin);
      ASSERT_LE(actuator.desired, kMax);
      clock.advance(1);
    }
  }
  std::string metrics_line(const std::string& kind) const {
    const std::string text = ctl.metrics_text();
    const std::string key =
        "userscale_decisions_total{target=\"default/gpu-service\",reason=\"" + kind + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? "" : text.substr(at, text.find('\n', at) - at);
  }

  ManualClock clock;
  DecisionLog log;
  Controller ctl{clock, log};
  SignalFaultSource source;
  FakeActuator actuator{kStart};
};

TEST_P(FaultMatrixMetrics, Row) {
  const Row row = GetParam();
  source.fault = row.fault;
  run_for(120);
  const auto records = log.after(0, 1000);
  ASSERT_FALSE(records.empty());
  if (row.fault == Fault::None) {
    // The control row: idle, healthy signals scale in. Without it the fault rows prove nothing.
    EXPECT_LT(actuator.desired, kStart) << records.back().line;
    return;
  }
  // No scale-down on doubt: the count never went under where it was.
  for (int n : actuator.calls) EXPECT_GE(n, kStart) << records.back().line;
  EXPECT_GE(actuator.desired, kStart);
  // Every tick held, its record says why, and the controller's metric counts the kind.
  const std::string expected = expected_kind(row.fault);
  for (const auto& r : records) {
    ASSERT_EQ(r.record.value("kind", ""), expected) << r.line;
    EXPECT_NE(r.line.find("holding"), std::string::npos) << r.line;
  }
  EXPECT_EQ(metrics_line(expected),
            "userscale_decisions_total{target=\"default/gpu-service\",reason=\"" + expected +
                "\"} " + std::to_string(records.size()))
      << ctl.metrics_text();
  EXPECT_NE(records.back().line.find(expected_words(row.fault)), std::string::npos)
      << records.back().line;
  // Recovery: the fault clears, the same idle signals now scale in.
  source.fault = Fault::None;
  const int before = actuator.desired;
  run_for(180);
  EXPECT_LT(actuator.desired, before) << log.after(0, 100000).back().line;
}

std::vector<Row> all_rows() {
  std::vector<Row> rows;
  for (const char* p :
       {"hpa", "hpa-gpu", "userscale-score", "ewma", "latency", "kpa", "gpuaware"}) {
    for (Fault f : {Fault::None, Fault::Missing, Fault::Stale, Fault::NaN, Fault::Negative,
                    Fault::AbsurdlyLarge, Fault::TooFewPods}) {
      rows.push_back({p, f});
    }
  }
  return rows;
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, FaultMatrixMetrics, ::testing::ValuesIn(all_rows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           std::string name =
                               std::string(info.param.policy) + "_" + fault_name(info.param.fault);
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace userscale::controller
