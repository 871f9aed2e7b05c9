// Knob names, defaults, ranges and their error messages (kpa-spec.md §2, kpa-cases.md).
#include "core/policies/kpa/knobs.h"

#include <gtest/gtest.h>

namespace userscale::kpa {
namespace {

TEST(Knobs, DefaultsAreKnatives) {
  KpaKnobs k;
  EXPECT_EQ(k.metric, ScalingMetric::Concurrency);
  EXPECT_FALSE(k.target);
  EXPECT_EQ(k.target_utilization_percentage, 70);
  EXPECT_EQ(k.target_burst_capacity, 211);
  EXPECT_EQ(k.stable_window_seconds, 60);
  EXPECT_EQ(k.panic_window_percentage, 10);
  EXPECT_EQ(k.panic_threshold_percentage, 200);
  EXPECT_EQ(k.max_scale_up_rate, 1000);
  EXPECT_EQ(k.max_scale_down_rate, 2);
  EXPECT_EQ(k.initial_scale, 1);
  EXPECT_EQ(knob_names().size(), 24u);
}

TEST(Knobs, SetsEachKind) {
  KpaKnobs k;
  ASSERT_TRUE(set_knob(k, "metric", std::string("rps")));
  EXPECT_EQ(k.metric, ScalingMetric::Rps);
  ASSERT_TRUE(set_knob(k, "target", 13.5));
  EXPECT_EQ(k.target, 13.5);
  ASSERT_TRUE(set_knob(k, "target", std::monostate{}));
  EXPECT_FALSE(k.target);
  ASSERT_TRUE(set_knob(k, "stable-window", 120.0));
  EXPECT_EQ(k.stable_window_seconds, 120);
  ASSERT_TRUE(set_knob(k, "reachable", false));
  EXPECT_FALSE(k.reachable);
  ASSERT_TRUE(set_knob(k, "metric-aggregation-algorithm", std::string("weightedExponential")));
  EXPECT_EQ(k.aggregation, Aggregation::WeightedExponential);
  ASSERT_TRUE(set_knob(k, "target-burst-capacity", -1.0));
  EXPECT_EQ(k.target_burst_capacity, -1);
}

struct BadKnob {
  const char* name;
  KnobValue value;
  const char* message;
};

TEST(Knobs, RangeErrorsNameTheKnob) {
  const BadKnob cases[] = {
      {"stable-window", 5.0, "must be a whole number of seconds in 6..3600, got 5"},
      {"stable-window", 60.5, "must be a whole number of seconds in 6..3600, got 60.5"},
      {"target-burst-capacity", -2.0, "must be >= 0 or -1, got -2"},
      {"target", 0.0, "must be > 0 or null, got 0"},
      {"target-utilization-percentage", 101.0, "must be in (0, 100], got 101"},
      {"panic-window-percentage", 0.5, "must be in 1..100, got 0.5"},
      {"max-scale-up-rate", 1.0, "must be > 1, got 1"},
      {"max-scale-down-rate", 0.5, "must be > 1, got 0.5"},
      {"scale-down-delay", 2.5, "must be a whole number of seconds >= 0, got 2.5"},
      {"activation-scale", -1.0, "must be a whole number >= 0, got -1"},
      {"container-concurrency", 1.5, "must be a whole number >= 0, got 1.5"},
      {"activator-capacity", 0.5, "must be >= 1, got 0.5"},
      {"panic-threshold-percentage", 0.0, "must be > 0, got 0"},
      {"scale-to-zero-grace-period", 0.0, "must be > 0 seconds, got 0"},
      {"metric", std::string("qps"), "must be \"concurrency\" or \"rps\", got \"qps\""},
      {"reachable", 1.0, "expected boolean, got number"},
      {"stable-window", std::string("60s"), "expected number of seconds, got string"},
      {"target-utilization-percentage", std::monostate{}, "expected number, got null"},
  };
  for (const BadKnob& c : cases) {
    KpaKnobs k;
    Status s = set_knob(k, c.name, c.value);
    ASSERT_FALSE(s) << c.name;
    EXPECT_EQ(s.error().path, c.name);
    EXPECT_EQ(s.error().message, c.message);
  }
  KpaKnobs k;
  Status unknown = set_knob(k, "stable-windw", 60.0);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().to_string(), "stable-windw: unknown knob");
}

TEST(Knobs, TextForms) {
  KpaKnobs k;
  ASSERT_TRUE(set_knob_from_text(k, "stable-window", "90s"));
  EXPECT_EQ(k.stable_window_seconds, 90);
  ASSERT_TRUE(set_knob_from_text(k, "stable-window", "2m"));
  EXPECT_EQ(k.stable_window_seconds, 120);
  ASSERT_TRUE(set_knob_from_text(k, "stable-window", "60"));
  EXPECT_EQ(k.stable_window_seconds, 60);
  ASSERT_TRUE(set_knob_from_text(k, "target", "10"));
  EXPECT_EQ(k.target, 10);
  ASSERT_TRUE(set_knob_from_text(k, "target", "null"));
  EXPECT_FALSE(k.target);
  ASSERT_TRUE(set_knob_from_text(k, "enable-scale-to-zero", "false"));
  EXPECT_FALSE(k.enable_scale_to_zero);
  ASSERT_TRUE(set_knob_from_text(k, "scale-down-delay", "5m"));
  EXPECT_EQ(k.scale_down_delay_seconds, 300);

  Status s = set_knob_from_text(k, "stable-window", "1.5s");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().to_string(),
            "stable-window: must be a whole number of seconds in 6..3600, got 1.5");
  s = set_knob_from_text(k, "target", "ten");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().to_string(), "target: expected a number or null, got \"ten\"");
  s = set_knob_from_text(k, "reachable", "yes");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().path, "reachable");
}

TEST(Knobs, Relations) {
  KpaKnobs k;
  k.min_scale = 5;
  k.max_scale = 3;
  Status s = validate_knob_relations(k);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().path, "min-scale");
  k.max_scale = 0;  // no upper bound
  EXPECT_TRUE(validate_knob_relations(k));
  k.initial_scale = 0;
  s = validate_knob_relations(k);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().path, "initial-scale");
  k.allow_zero_initial_scale = true;
  EXPECT_TRUE(validate_knob_relations(k));
}

TEST(Knobs, FromParams) {
  auto k = knobs_from_params({{"stable-window", "30s"}, {"target", "10"}, {"metric", "rps"}});
  ASSERT_TRUE(k);
  EXPECT_EQ(k->stable_window_seconds, 30);
  EXPECT_EQ(k->target, 10);
  EXPECT_EQ(k->metric, ScalingMetric::Rps);

  auto bad = knobs_from_params({{"panic-window-percentage", "200"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().to_string(), "panic-window-percentage: must be in 1..100, got 200");
}

TEST(Knobs, FormatNumber) {
  EXPECT_EQ(format_number(5), "5");
  EXPECT_EQ(format_number(0.75), "0.75");
  EXPECT_EQ(format_number(-137), "-137");
  EXPECT_EQ(format_number(10 / 0.75), "13.333333333333334");
}

}  // namespace
}  // namespace userscale::kpa
