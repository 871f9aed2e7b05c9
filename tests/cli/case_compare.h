// Decides whether one run of `userscale decide` agrees with what a decision case expects, by the
// rules of reference/decision-cases.md section 4 (and kpa-cases.md "Checking" for step cases).
// Pure comparison plus the reading of a case's expectations; running the binary is elsewhere.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace userscale::testing {

// One difference between the expectation and the output.
struct Mismatch {
  std::string path;      // where they differ, e.g. "conditions[AbleToScale].reason"
  std::string expected;  // JSON text of the expected value, or a short description
  std::string got;       // JSON text of the output value, or "(missing)"
};

// Whether an expected object key that the output lacks is a difference. HPA cases compare only
// the keys the output has (a minimal implementation is checked on the count alone); kpa steps
// must carry every expected key.
enum class MissingKeys { kIgnore, kReport };

// Compares `expected` with `got` below `path`: objects key by key, `conditions` lists by `type`
// (an expected type absent from the output is always a difference), other lists by position
// (the output may be longer), integers exactly, floats within 1e-6 relative, strings that are
// both Kubernetes Quantities by value ("1200m" equals "1.2"), other scalars exactly.
void compare_json(const nlohmann::json& expected, const nlohmann::json& got,
                  const std::string& path, MissingKeys missing, std::vector<Mismatch>& out);

// The HPA rule set for a whole output object: `desiredReplicas` must be present and equal;
// every other expected key is compared only if the output has it.
std::vector<Mismatch> compare_hpa_output(const nlohmann::json& expect,
                                         const nlohmann::json& output);

// What a malformed case expects: the exit status and a text stderr must contain.
struct ExpectedError {
  int exit_code = 2;
  std::string mentions;
};

// Everything a case file says about the answer.
struct CaseExpectation {
  enum class Mode {
    kHpa,    // top-level `expect`, HPA rules
    kSteps,  // per-step `expect` (kind kpa): compared strictly, step by step
    kError,  // `expectError`, in the file or in the <stem>.expect.json sidecar
  };
  Mode mode = Mode::kHpa;
  nlohmann::json expect;  // kHpa: the `expect` object; kSteps: {"steps": [expect or null, ...]}
  ExpectedError error;    // kError
};

// Reads the expectations of the case at `path`. A file that is not JSON must have a sidecar
// `<stem>.expect.json` holding the expectError object. nullopt (with `why`) when the case
// states no usable expectation.
std::optional<CaseExpectation> load_expectation(const std::filesystem::path& path,
                                                std::string* why);

// The outcome of one run of the binary.
struct RunOutput {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Every difference between what the case expects and what the run produced.
std::vector<Mismatch> check_run(const CaseExpectation& expectation, const RunOutput& run);

// One line per difference, each starting with the case name: "NAME: PATH: expected X, got Y".
std::string describe(std::string_view case_name, const std::vector<Mismatch>& mismatches);

}  // namespace userscale::testing
