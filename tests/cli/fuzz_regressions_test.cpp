// Inputs the fuzzers (tests/fuzz) found that crashed or hung `userscale` commands, run as a user
// runs them. The config layer's own regressions are in tests/config/fuzz_regressions_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/case_evaluators.h"
#include "cli/process_runner.h"

namespace userscale::testing {
namespace {

constexpr std::chrono::seconds kLimit{30};

std::string source(const std::string& relative) {
  return std::string(USERSCALE_SOURCE_DIR) + "/" + relative;
}

// A case nested 300 000 levels deep: the readers' copies recursed until the stack overflowed
// (decide: SIGSEGV). The depth is checked first now, without recursion.
TEST(FuzzRegressions, DecideRefusesACaseNestedDeeperThanItCanUse) {
  const std::size_t levels = 300'000;
  const std::string text = R"({"kind": "policy", "name": "deep", "steps": [{"extra": )" +
                           std::string(levels, '[') + std::string(levels, ']') + "}]}";
  const auto doc = nlohmann::json::parse(text);
  const auto out = cli::evaluate_case(doc, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().to_string(),
            "nested 300003 levels deep, more than the 64 a decision case can use");
}

// yaml-cpp 0.7's LoadAll looped forever on these files, allocating: validate never returned.
TEST(FuzzRegressions, ValidateAnswersOnAYamlStreamWithoutEnd) {
  for (const char* file : {"tests/fuzz/gpu_autoscaler/corpus/regression-lone-comma.yaml",
                           "tests/fuzz/gpu_autoscaler/corpus/"
                           "regression-yaml-cpp-endless-documents.yaml"}) {
    const RunOutput run = run_process({USERSCALE_BINARY, "validate", source(file)}, kLimit);
    EXPECT_FALSE(run.timed_out) << file;
    EXPECT_EQ(run.exit_code, 2) << file;
    EXPECT_NE(run.err.find("the parser found no end of the stream"), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace userscale::testing
