// The case checker must be able to fail: each rule of decision-cases.md section 4 is shown to
// accept what it should and to report, with the field path, what it should not.
#include "cli/case_compare.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace userscale::testing {
namespace {

using nlohmann::json;

// A plausible full output of `userscale decide` for an HPA case.
json sample_output() {
  return json::parse(R"({
    "desiredReplicas": 4, "policy": "hpa",
    "metrics": [{"name": "cpu", "usageRatio": 1.6, "proposedReplicas": 4,
                 "current": {"averageUtilization": 80, "averageValue": "400m"}},
                {"name": "qps", "proposedReplicas": 2, "current": {"averageValue": "12"}}],
    "conditions": [{"type": "AbleToScale", "status": "True", "reason": "SucceededRescale"},
                   {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound"},
                   {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange"}]
  })");
}

std::vector<std::string> paths_of(const std::vector<Mismatch>& ms) {
  std::vector<std::string> p;
  for (const auto& m : ms) p.push_back(m.path);
  return p;
}

TEST(CompareHpaOutput, AgreesWithAnIdenticalExpectation) {
  EXPECT_TRUE(compare_hpa_output(sample_output(), sample_output()).empty());
}

TEST(CompareHpaOutput, ReportsADifferentDesiredCount) {
  auto ms = compare_hpa_output(json{{"desiredReplicas", 5}}, sample_output());
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].path, "desiredReplicas");
  EXPECT_EQ(ms[0].expected, "5");
  EXPECT_EQ(ms[0].got, "4");
}

TEST(CompareHpaOutput, ReportsAMissingDesiredCount) {
  json out = sample_output();
  out.erase("desiredReplicas");
  auto ms = compare_hpa_output(json{{"desiredReplicas", 4}}, out);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].path, "desiredReplicas");
  EXPECT_EQ(ms[0].got, "(missing)");
}

TEST(CompareHpaOutput, ReportsACaseWithoutDesiredCount) {
  EXPECT_FALSE(compare_hpa_output(json{{"policy", "hpa"}}, sample_output()).empty());
}

TEST(CompareHpaOutput, IgnoresKeysTheOutputDoesNotHave) {
  json out = json{{"desiredReplicas", 4}};  // a minimal implementation
  json expect = sample_output();
  EXPECT_TRUE(compare_hpa_output(expect, out).empty());
  // ... also inside objects: no averageValue in the output's current.
  json partial = sample_output();
  partial["metrics"][0]["current"].erase("averageValue");
  EXPECT_TRUE(compare_hpa_output(sample_output(), partial).empty());
}

TEST(CompareHpaOutput, IgnoresExtraKeysInTheOutput) {
  json out = sample_output();
  out["stabilizedReplicas"] = 7;
  out["metrics"][0]["extra"] = "x";
  EXPECT_TRUE(compare_hpa_output(json{{"desiredReplicas", 4}}, out).empty());
}

TEST(CompareHpaOutput, ReportsANestedValueWithItsPath) {
  json expect = {{"desiredReplicas", 4},
                 {"metrics", {{{"name", "cpu"}, {"current", {{"averageUtilization", 81}}}}}}};
  auto ms = compare_hpa_output(expect, sample_output());
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"metrics[0].current.averageUtilization"});
  EXPECT_EQ(ms[0].expected, "81");
  EXPECT_EQ(ms[0].got, "80");
}

TEST(CompareHpaOutput, MatchesConditionsByTypeInAnyOrder) {
  json expect = {{"desiredReplicas", 4},
                 {"conditions",
                  {{{"type", "ScalingLimited"}, {"status", "False"}},
                   {{"type", "AbleToScale"}, {"status", "True"}, {"reason", "SucceededRescale"}}}}};
  EXPECT_TRUE(compare_hpa_output(expect, sample_output()).empty());
}

TEST(CompareHpaOutput, ReportsAConditionWithAnotherReason) {
  json expect = {{"desiredReplicas", 4},
                 {"conditions",
                  {{{"type", "AbleToScale"}, {"status", "True"}, {"reason", "ReadyForNewScale"}}}}};
  auto ms = compare_hpa_output(expect, sample_output());
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"conditions[AbleToScale].reason"});
  EXPECT_EQ(ms[0].expected, "\"ReadyForNewScale\"");
  EXPECT_EQ(ms[0].got, "\"SucceededRescale\"");
}

TEST(CompareHpaOutput, ReportsAnExpectedConditionTypeTheOutputLacks) {
  json out = sample_output();
  out["conditions"].erase(2);  // no ScalingLimited
  json expect = {{"desiredReplicas", 4},
                 {"conditions", {{{"type", "ScalingLimited"}, {"status", "False"}}}}};
  auto ms = compare_hpa_output(expect, out);
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"conditions[ScalingLimited]"});
  EXPECT_EQ(ms[0].got, "(missing)");
}

TEST(CompareHpaOutput, ComparesOtherListsByPositionAllowingLongerOutput) {
  json expect = {{"desiredReplicas", 4}, {"metrics", {{{"name", "cpu"}}}}};
  EXPECT_TRUE(compare_hpa_output(expect, sample_output()).empty());
  json swapped = {{"desiredReplicas", 4}, {"metrics", {{{"name", "qps"}}, {{"name", "cpu"}}}}};
  EXPECT_EQ(paths_of(compare_hpa_output(swapped, sample_output())),
            (std::vector<std::string>{"metrics[0].name", "metrics[1].name"}));
  json longer = {{"desiredReplicas", 4},
                 {"metrics", {{{"name", "cpu"}}, {{"name", "qps"}}, {{"name", "rps"}}}}};
  auto ms = compare_hpa_output(longer, sample_output());
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"metrics[2]"});
  EXPECT_EQ(ms[0].got, "(missing)");
}

TEST(CompareJson, ComparesQuantityStringsByValue) {
  std::vector<Mismatch> ms;
  compare_json(json("1200m"), json("1.2"), "v", MissingKeys::kIgnore, ms);
  compare_json(json("2"), json("2000m"), "v", MissingKeys::kIgnore, ms);
  compare_json(json("512Ki"), json("524288"), "v", MissingKeys::kIgnore, ms);
  EXPECT_TRUE(ms.empty()) << describe("q", ms);
  compare_json(json("1200m"), json("1.3"), "v", MissingKeys::kIgnore, ms);
  compare_json(json("0.0001"), json("0.0009"), "w", MissingKeys::kIgnore, ms);
  EXPECT_EQ(paths_of(ms), (std::vector<std::string>{"v", "w"}));
}

TEST(CompareJson, ComparesOtherStringsExactly) {
  std::vector<Mismatch> ms;
  compare_json(json("True"), json("True"), "s", MissingKeys::kIgnore, ms);
  EXPECT_TRUE(ms.empty());
  compare_json(json("True"), json("true"), "s", MissingKeys::kIgnore, ms);
  EXPECT_EQ(ms.size(), 1u);
}

TEST(CompareJson, ComparesIntegersExactly) {
  std::vector<Mismatch> ms;
  compare_json(json(4), json(4), "i", MissingKeys::kIgnore, ms);
  compare_json(json(4), json(4.0), "i", MissingKeys::kIgnore, ms);  // one JSON number
  compare_json(json(3), json(3u), "i", MissingKeys::kIgnore, ms);
  EXPECT_TRUE(ms.empty());
  compare_json(json(4), json(5), "a", MissingKeys::kIgnore, ms);
  compare_json(json(4), json(4.0000001), "b", MissingKeys::kIgnore, ms);
  compare_json(json(-1), json(18446744073709551615u), "c", MissingKeys::kIgnore, ms);
  EXPECT_EQ(paths_of(ms), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CompareJson, ComparesFloatsWithinOnePartPerMillion) {
  std::vector<Mismatch> ms;
  compare_json(json(1.6), json(1.6000009), "f", MissingKeys::kIgnore, ms);
  compare_json(json(2.0), json(2), "f", MissingKeys::kIgnore, ms);
  compare_json(json(0.0), json(0.0), "f", MissingKeys::kIgnore, ms);
  EXPECT_TRUE(ms.empty());
  compare_json(json(1.6), json(1.601), "g", MissingKeys::kIgnore, ms);
  compare_json(json(0.0), json(1e-9), "h", MissingKeys::kIgnore, ms);
  EXPECT_EQ(paths_of(ms), (std::vector<std::string>{"g", "h"}));
}

TEST(CompareJson, ReportsAValueOfAnotherType) {
  std::vector<Mismatch> ms;
  compare_json(json(4), json("4"), "a", MissingKeys::kIgnore, ms);
  compare_json(json("4"), json(4), "b", MissingKeys::kIgnore, ms);
  compare_json(json::object({{"x", 1}}), json::array({1}), "c", MissingKeys::kIgnore, ms);
  compare_json(json(true), json(1), "d", MissingKeys::kIgnore, ms);
  EXPECT_EQ(paths_of(ms), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(CompareJson, StrictModeReportsMissingKeys) {
  std::vector<Mismatch> ms;
  json expect = {{"steps", {{{"desiredPodCount", 10}, {"inPanic", true}}, nullptr}}};
  json got = {{"steps", {{{"desiredPodCount", 10}}, {{"desiredPodCount", 3}}}}};
  compare_json(expect, got, "", MissingKeys::kReport, ms);
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"steps[0].inPanic"});
  EXPECT_EQ(ms[0].got, "(missing)");
}

RunOutput ok_run(const json& out) {
  return RunOutput{0, false, out.dump() + "\n", ""};
}

CaseExpectation hpa_expectation(json expect) {
  return CaseExpectation{CaseExpectation::Mode::kHpa, std::move(expect), {}};
}

TEST(CheckRun, AgreesWhenTheRunMatches) {
  EXPECT_TRUE(
      check_run(hpa_expectation({{"desiredReplicas", 4}}), ok_run(sample_output())).empty());
}

TEST(CheckRun, ReportsAFailedRunOfAValidCase) {
  auto ms = check_run(hpa_expectation({{"desiredReplicas", 4}}),
                      RunOutput{2, false, "", "input.hpa: required field is missing"});
  ASSERT_EQ(paths_of(ms), std::vector<std::string>{"exitCode"});
  EXPECT_NE(ms[0].got.find("input.hpa"), std::string::npos);
}

TEST(CheckRun, ReportsATimeout) {
  auto ms = check_run(hpa_expectation({{"desiredReplicas", 4}}), RunOutput{137, true, "", ""});
  EXPECT_EQ(paths_of(ms), std::vector<std::string>{"run"});
}

TEST(CheckRun, ReportsOutputThatIsNotJson) {
  auto ms =
      check_run(hpa_expectation({{"desiredReplicas", 4}}), RunOutput{0, false, "desired: 4\n", ""});
  EXPECT_EQ(paths_of(ms), std::vector<std::string>{"stdout"});
}

TEST(CheckRun, ChecksTheExitCodeAndMessageOfAMalformedCase) {
  CaseExpectation e{CaseExpectation::Mode::kError, nullptr,
                    ExpectedError{2, "input.scale.spec.replicas"}};
  EXPECT_TRUE(
      check_run(e, RunOutput{2, false, "", "c.json: input.scale.spec.replicas: expected integer"})
          .empty());
  EXPECT_EQ(paths_of(check_run(e, RunOutput{0, false, "{}", ""})),
            (std::vector<std::string>{"exitCode", "stderr"}));
  EXPECT_EQ(paths_of(check_run(e, RunOutput{2, false, "", "input.scale: bad"})),
            std::vector<std::string>{"stderr"});
}

TEST(CheckRun, ComparesStepCasesStrictly) {
  CaseExpectation e{CaseExpectation::Mode::kSteps,
                    {{"steps", {{{"desiredPodCount", 10}, {"excessBurstCapacity", -1049}}}}},
                    {}};
  json out = {{"policy", "kpa"}, {"steps", {{{"desiredPodCount", 10}}}}};
  EXPECT_EQ(paths_of(check_run(e, ok_run(out))),
            std::vector<std::string>{"steps[0].excessBurstCapacity"});
}

TEST(Describe, NamesTheCaseThePathAndBothValues) {
  const std::string text = describe("hpa/scale-up.json", {{"desiredReplicas", "5", "4"}});
  EXPECT_EQ(text, "hpa/scale-up.json: desiredReplicas: expected 5, got 4\n");
}

class LoadExpectation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("case_compare_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadExpectation, ReadsTopLevelExpect) {
  std::string why;
  auto e =
      load_expectation(write("a.json", R"({"kind":"hpa","expect":{"desiredReplicas":3}})"), &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mode, CaseExpectation::Mode::kHpa);
  EXPECT_EQ(e->expect["desiredReplicas"], 3);
}

TEST_F(LoadExpectation, ReadsExpectErrorInTheCase) {
  std::string why;
  auto e = load_expectation(
      write("b.json", R"({"kind":"hpa","expectError":{"exitCode":2,"mentions":"input.x"}})"), &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mode, CaseExpectation::Mode::kError);
  EXPECT_EQ(e->error.exit_code, 2);
  EXPECT_EQ(e->error.mentions, "input.x");
}

TEST_F(LoadExpectation, ReadsTheSidecarOfAFileThatIsNotJson) {
  write("broken.expect.json", R"({"exitCode": 2, "mentions": "broken.json"})");
  std::string why;
  auto e = load_expectation(write("broken.json", "{\"kind\": "), &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mode, CaseExpectation::Mode::kError);
  EXPECT_EQ(e->error.mentions, "broken.json");
}

TEST_F(LoadExpectation, ReadsPerStepExpectations) {
  std::string why;
  auto e = load_expectation(
      write("k.json",
            R"({"kind":"kpa","steps":[{"time":0},{"time":1,"expect":{"inPanic":true}}]})"),
      &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->mode, CaseExpectation::Mode::kSteps);
  EXPECT_EQ(e->expect, json::parse(R"({"steps":[null,{"inPanic":true}]})"));
}

TEST_F(LoadExpectation, RejectsACaseWithoutExpectations) {
  std::string why;
  EXPECT_FALSE(load_expectation(write("c.json", R"({"kind":"hpa"})"), &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(load_expectation(write("d.json", "not json"), &why));  // and no sidecar
  EXPECT_NE(why.find("sidecar"), std::string::npos);
  EXPECT_FALSE(load_expectation(
      write("e.json", R"({"expectError":{"exitCode":"2","mentions":"x"}})"), &why));
}

}  // namespace
}  // namespace userscale::testing
