// Runs the real `userscale decide` on every decision case under tests/cases/<kind>/ and checks
// its answer against the case's expectations (reference/decision-cases.md section 4). One test
// per case file; every folder of tests/cases holding JSON is a kind, so new kinds are checked
// without touching this file. tests/cases/tools holds generators, not cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cli/case_compare.h"
#include "cli/process_runner.h"

namespace userscale::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kCaseTimeLimit{10};
// The upstream HPA port holds well over this many cases; fewer means discovery broke.
constexpr std::size_t kMinimumHpaCases = 40;

struct CaseFile {
  std::string kind;  // the folder under tests/cases
  fs::path path;
  std::string test_name;  // unique, letters, digits and '_' only (a GoogleTest requirement)
};

// Names a case in test listings instead of dumping the struct's bytes.
void PrintTo(const CaseFile& c, std::ostream* os) {
  *os << c.kind << "/" << c.path.filename().string();
}

fs::path cases_root() {
  return fs::path(USERSCALE_SOURCE_DIR) / "tests" / "cases";
}

bool is_case_file(const fs::directory_entry& e) {
  const std::string name = e.path().filename().string();
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return e.is_regular_file() && ends_with(".json") && !ends_with(".expect.json");
}

std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::vector<CaseFile> discover_cases() {
  std::vector<CaseFile> cases;
  std::error_code ec;
  if (!fs::is_directory(cases_root(), ec)) return cases;
  std::vector<fs::path> kinds;
  for (const auto& e : fs::directory_iterator(cases_root(), ec)) {
    if (e.is_directory() && e.path().filename() != "tools") kinds.push_back(e.path());
  }
  std::sort(kinds.begin(), kinds.end());
  std::set<std::string> used;
  for (const fs::path& dir : kinds) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (is_case_file(e)) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    const std::string kind = dir.filename().string();
    for (const fs::path& f : files) {
      std::string name = sanitize(kind) + "__" + sanitize(f.stem().string());
      for (int n = 2; used.count(name) != 0; ++n) name += "_" + std::to_string(n);
      used.insert(name);
      cases.push_back({kind, f, name});
    }
  }
  return cases;
}

// Collects the verdicts of this process so that a full run ends with "N/M cases agree".
class Summary : public ::testing::Environment {
 public:
  static Summary& instance() {
    static Summary* s = new Summary;  // owned by GoogleTest once registered
    return *s;
  }
  void record(const std::string& name, const std::string& failure_lines) {
    std::lock_guard<std::mutex> lock(mu_);
    ++total_;
    if (failure_lines.empty()) {
      ++agreed_;
    } else {
      failures_ += failure_lines;
    }
    (void)name;
  }
  void TearDown() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (total_ == 0) return;
    if (!failures_.empty()) std::printf("\nDisagreeing cases:\n%s", failures_.c_str());
    std::printf("%zu/%zu cases agree\n", agreed_, total_);
  }

 private:
  std::mutex mu_;
  std::size_t total_ = 0;
  std::size_t agreed_ = 0;
  std::string failures_;
};

[[maybe_unused]] ::testing::Environment* const kSummary =
    ::testing::AddGlobalTestEnvironment(&Summary::instance());

class DecisionCase : public ::testing::TestWithParam<CaseFile> {};

TEST_P(DecisionCase, AgreesWithExpectation) {
  const CaseFile& c = GetParam();
  const std::string label = c.kind + "/" + c.path.filename().string();
  std::string why;
  auto expectation = load_expectation(c.path, &why);
  if (!expectation) {
    Summary::instance().record(label, label + ": (case): " + why + "\n");
    FAIL() << label << ": " << why;
  }
  const RunOutput run = run_process({USERSCALE_BINARY, "decide", c.path.string()},
                                    std::chrono::milliseconds(kCaseTimeLimit));
  const std::vector<Mismatch> mismatches = check_run(*expectation, run);
  const std::string report = describe(label, mismatches);
  Summary::instance().record(label, report);
  EXPECT_TRUE(mismatches.empty()) << report;
}

INSTANTIATE_TEST_SUITE_P(Cases, DecisionCase, ::testing::ValuesIn(discover_cases()),
                         [](const ::testing::TestParamInfo<CaseFile>& info) {
                           return info.param.test_name;
                         });

// Guards against a checker that passes because it found nothing to check.
TEST(DecisionCaseDiscovery, FindsTheHpaCasesAndTheirMalformedCounterparts) {
  std::map<std::string, std::size_t> per_kind;
  for (const CaseFile& c : discover_cases()) ++per_kind[c.kind];
  EXPECT_GE(per_kind["hpa"], kMinimumHpaCases);
  EXPECT_GE(per_kind["hpa-malformed"], 3u);
  EXPECT_EQ(per_kind.count("tools"), 0u);
}

// The whole pipeline (load, run the binary, compare) reports a case whose expectation is wrong.
TEST(DecisionCaseChecker, ReportsAWrongExpectationAgainstTheRealBinary) {
  const fs::path original = cases_root() / "hpa" / "scale-up.json";
  std::string why;
  auto expectation = load_expectation(original, &why);
  ASSERT_TRUE(expectation) << why;
  const int right = expectation->expect["desiredReplicas"].get<int>();
  expectation->expect["desiredReplicas"] = right + 1;
  const RunOutput run = run_process({USERSCALE_BINARY, "decide", original.string()},
                                    std::chrono::milliseconds(kCaseTimeLimit));
  const std::vector<Mismatch> mismatches = check_run(*expectation, run);
  ASSERT_FALSE(mismatches.empty());
  if (run.exit_code == 0) {
    EXPECT_EQ(mismatches[0].path, "desiredReplicas") << describe("scale-up", mismatches);
    EXPECT_EQ(mismatches[0].expected, std::to_string(right + 1));
  }
}

TEST(DecisionCaseDiscovery, SkipsSidecarsAndGivesUniqueNames) {
  std::set<std::string> names;
  for (const CaseFile& c : discover_cases()) {
    EXPECT_EQ(c.path.string().find(".expect.json"), std::string::npos) << c.path;
    EXPECT_TRUE(names.insert(c.test_name).second) << c.test_name;
  }
}

}  // namespace
}  // namespace userscale::testing
