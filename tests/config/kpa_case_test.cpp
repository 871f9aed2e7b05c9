// Decision cases of kind `kpa` (reference/kpa-cases.md): parsing with field paths, and the
// two examples of that document.
#include "config/kpa_case.h"

#include <gtest/gtest.h>

namespace userscale::config {
namespace {

using nlohmann::json;

json example_rate_limit() {
  return json::parse(R"({
    "kind": "kpa", "name": "example-rate-limit-scale-up",
    "source": "pkg/autoscaler/scaling/autoscaler_test.go TestAutoscalerRateLimitScaleUp",
    "config": {
      "metric": "concurrency", "target": 13.333333333333334, "target-utilization-percentage": 75,
      "container-concurrency": 0, "container-concurrency-target-default": 100,
      "requests-per-second-target-default": 200, "target-burst-capacity": 61,
      "panic-threshold-percentage": 200, "stable-window": 60, "panic-window-percentage": 10,
      "max-scale-up-rate": 10, "max-scale-down-rate": 10, "scale-down-delay": 0,
      "activation-scale": 0, "reachable": true, "activator-capacity": 150,
      "metric-aggregation-algorithm": "linear"
    },
    "createdAt": 0, "initialReadyPods": 1,
    "steps": [
      {"time": 0, "observed": {"stableConcurrency": 1000, "panicConcurrency": 1001}, "readyPods": 1},
      {"time": 0, "observed": {"stableConcurrency": 1000, "panicConcurrency": 1001}, "readyPods": 10}
    ]})");
}

json example_raw_windows() {
  json steps = json::array();
  json samples = json::array();
  for (int t = 0; t < 10; ++t) samples.push_back({{"time", t}, {"concurrency", t < 5 ? 1 : 10}});
  return json{{"kind", "kpa"},
              {"name", "example-raw-windows"},
              {"source", "bucketing.go"},
              {"config", {{"target", 1}, {"target-utilization-percentage", 100}}},
              {"steps", json::array({{{"time", 9}, {"samples", samples}, {"readyPods", 3}}})}};
}

TEST(KpaCase, ExampleRateLimitedScaleUp) {
  auto out = evaluate_kpa_case(example_rate_limit(), nullptr);
  ASSERT_TRUE(out) << out.error().to_string();
  const json want = json::parse(
      R"({"policy":"kpa","steps":[{"scaleValid":true,"desiredPodCount":10,"excessBurstCapacity":-1049,"inPanic":true},{"scaleValid":true,"desiredPodCount":100,"excessBurstCapacity":-929,"inPanic":true}]})");
  EXPECT_EQ(*out, want);
}

TEST(KpaCase, ExampleRawSamples) {
  std::string explanation;
  auto out = evaluate_kpa_case(example_raw_windows(), &explanation);
  ASSERT_TRUE(out) << out.error().to_string();
  const json want = json::parse(
      R"({"policy":"kpa","steps":[{"scaleValid":true,"desiredPodCount":9,"excessBurstCapacity":-217,"inPanic":true}]})");
  EXPECT_EQ(*out, want);
  EXPECT_NE(explanation.find("stable concurrency 5.5"), std::string::npos) << explanation;
  EXPECT_NE(explanation.find("panic 8.5"), std::string::npos) << explanation;
  EXPECT_NE(explanation.find("panic starts"), std::string::npos) << explanation;
}

TEST(KpaCase, EmptyStableWindowIsInvalidUnlessTbcIsMinusOne) {
  json c = example_raw_windows();
  c["steps"][0]["samples"] = json::array();
  auto out = evaluate_kpa_case(c, nullptr);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["steps"][0]["scaleValid"], false);
  EXPECT_EQ((*out)["steps"][0]["desiredPodCount"], 0);
  c["config"]["target-burst-capacity"] = -1;
  out = evaluate_kpa_case(c, nullptr);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["steps"][0]["scaleValid"], true);
  EXPECT_EQ((*out)["steps"][0]["excessBurstCapacity"], -1);
}

TEST(KpaCase, NullReadyPodsOrObservedIsAnInvalidStep) {
  json c = example_rate_limit();
  c["steps"][0]["readyPods"] = nullptr;
  c["steps"][1]["observed"] = nullptr;
  auto out = evaluate_kpa_case(c, nullptr);
  ASSERT_TRUE(out);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*out)["steps"][i]["scaleValid"], false);
    EXPECT_EQ((*out)["steps"][i]["inPanic"], false);
  }
}

TEST(KpaCase, ConfigUpdateReplacesTheSpec) {
  json c = example_rate_limit();
  c["steps"][1]["configUpdate"] = {{"target", 1 / 0.75}, {"target-burst-capacity", 71}};
  c["steps"][1]["observed"] = {{"stableConcurrency", 100}, {"panicConcurrency", 101}};
  auto out = evaluate_kpa_case(c, nullptr);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["steps"][1]["desiredPodCount"], 100);
  EXPECT_EQ((*out)["steps"][1]["excessBurstCapacity"], -159);  // floor(10 x 4/3 - 71 - 101)
}

struct Malformed {
  const char* what;
  std::function<void(json&)> edit;
  const char* error;
};

TEST(KpaCase, MalformedCasesNameTheField) {
  const std::vector<Malformed> cases = {
      {"short stable window", [](json& c) { c["config"]["stable-window"] = 5; },
       "config.stable-window: must be a whole number of seconds in 6..3600, got 5"},
      {"bad tbc", [](json& c) { c["config"]["target-burst-capacity"] = -2; },
       "config.target-burst-capacity: must be >= 0 or -1, got -2"},
      {"missing readyPods", [](json& c) { c["steps"][1].erase("readyPods"); },
       "steps[1].readyPods: missing (integer >= 0 or null)"},
      {"fractional readyPods", [](json& c) { c["steps"][0]["readyPods"] = 1.5; },
       "steps[0].readyPods: expected integer >= 0 or null, got number 1.5"},
      {"unknown knob", [](json& c) { c["config"]["stable-windw"] = 60; },
       "config.stable-windw: unknown knob (did you mean \"stable-window\"?)"},
      {"wrong kind", [](json& c) { c["kind"] = "hpa"; }, "kind: expected \"kpa\", got \"hpa\""},
      {"no name", [](json& c) { c.erase("name"); }, "name: missing (string)"},
      {"decreasing time", [](json& c) { c["steps"][0]["time"] = 5; },
       "steps[1].time: must not be earlier than the previous step (5), got 0"},
      {"both forms", [](json& c) { c["steps"][0]["samples"] = json::array(); },
       "steps[0]: has both observed and samples (a case uses one input form)"},
      {"mixed forms",
       [](json& c) {
         c["steps"][1].erase("observed");
         c["steps"][1]["samples"] = json::array();
       },
       "steps[1].samples: every step must use the input form of steps[0] (observed)"},
      {"observed pair of the wrong metric",
       [](json& c) {
         c["steps"][0]["observed"] = {{"stableRPS", 1}, {"panicRPS", 1}};
       },
       "steps[0].observed.stableConcurrency: missing (number >= 0; the metric is concurrency)"},
      {"negative observed", [](json& c) { c["steps"][0]["observed"]["panicConcurrency"] = -1; },
       "steps[0].observed.panicConcurrency: must be >= 0, got -1"},
      {"fixed knob in update",
       [](json& c) {
         c["steps"][1]["configUpdate"] = {{"stable-window", 30}};
       },
       "steps[1].configUpdate.stable-window: cannot change after the decider is created"},
      {"no steps", [](json& c) { c["steps"] = json::array(); },
       "steps: must hold at least one step"},
      {"mistyped knob", [](json& c) { c["config"]["reachable"] = "yes"; },
       "config.reachable: expected boolean, got string"},
      {"min above max",
       [](json& c) {
         c["config"]["min-scale"] = 4;
         c["config"]["max-scale"] = 2;
       },
       "config.min-scale: must be <= max-scale (2) when max-scale > 0, got 4"},
  };
  for (const Malformed& m : cases) {
    json c = example_rate_limit();
    m.edit(c);
    auto out = evaluate_kpa_case(c, nullptr);
    ASSERT_FALSE(out) << m.what;
    EXPECT_EQ(out.error().to_string(), m.error) << m.what;
  }
}

TEST(KpaCase, SampleAfterTheStepIsAnError) {
  json c = example_raw_windows();
  c["steps"][0]["samples"].push_back({{"time", 10}, {"concurrency", 1}});
  auto out = evaluate_kpa_case(c, nullptr);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().to_string(),
            "steps[0].samples[10].time: must be <= the step time (9), got 10");
}

}  // namespace
}  // namespace userscale::config
