// `userscale validate FILE...`, run as a user runs it: `FILE: ok` on stdout for each valid file,
// `FILE: path: reason` on stderr for every error, exit 0 only when every file is valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/process_runner.h"

namespace userscale::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kLimit{30};

class ValidateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("userscale-validate-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  static RunOutput validate(const std::vector<std::string>& files) {
    std::vector<std::string> argv = {USERSCALE_BINARY, "validate"};
    argv.insert(argv.end(), files.begin(), files.end());
    return run_process(argv, kLimit);
  }

  fs::path dir_;
};

const char* const kGood =
    "apiVersion: userscale.dev/v1alpha1\n"
    "kind: GPUAutoscaler\n"
    "metadata: {name: web}\n"
    "spec:\n"
    "  scaleTargetRef: {kind: Deployment, name: web}\n"
    "  maxReplicas: 4\n";

const char* const kBad =
    "apiVersion: userscale.dev/v1alpha1\n"
    "kind: GPUAutoscaler\n"
    "metadata: {name: web}\n"
    "spec:\n"
    "  scaleTargetRef: {kind: Deployment, name: web}\n"
    "  maxReplica: 4\n"
    "  behavior:\n"
    "    scaleUp:\n"
    "      policies:\n"
    "      - {type: Pods, value: 4, periodSeconds: 0}\n";

TEST_F(ValidateCommand, GoodFileIsOk) {
  std::string good = write("good.yaml", kGood);
  RunOutput run = validate({good});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, good + ": ok\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(ValidateCommand, BadFileListsEveryErrorAndExits2) {
  std::string bad = write("bad.yaml", kBad);
  RunOutput run = validate({bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            bad + ": spec.maxReplica: unknown field, did you mean \"maxReplicas\"?\n" + bad +
                ": spec.maxReplicas: missing required field\n" + bad +
                ": spec.behavior.scaleUp.policies[0].periodSeconds: must be 1..1800, got 0\n");
}

TEST_F(ValidateCommand, ChecksEveryFileEvenAfterABadOne) {
  std::string bad = write("bad.yaml", kBad);
  std::string good = write("good.yaml", kGood);
  RunOutput run = validate({bad, good});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, good + ": ok\n");
  EXPECT_THAT(run.err, ::testing::HasSubstr(bad + ": spec.maxReplicas: missing required field\n"));
}

TEST_F(ValidateCommand, AlsoRunsThePolicysOwnParameterChecks) {
  // ewma's smoothing factor lies in (0, 1] (core/policies/ewma); the resource itself keeps
  // parameters as text, so this error can only come from the policy's check.
  std::string bad = write("ewma.yaml", std::string(kGood) +
                                           "  policy:\n"
                                           "    name: ewma\n"
                                           "    params: {alpha: 1.5}\n");
  RunOutput run = validate({bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, ::testing::StartsWith(bad + ": spec.policy.params.alpha: "));
}

TEST_F(ValidateCommand, UnreadableFileExits2) {
  std::string missing = (dir_ / "missing.yaml").string();
  RunOutput run = validate({missing});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, missing + ": cannot read: No such file or directory\n");
}

TEST_F(ValidateCommand, YamlSyntaxErrorNamesLineAndColumn) {
  std::string broken = write("broken.yaml",
                             "apiVersion: userscale.dev/v1alpha1\n"
                             "kind: GPUAutoscaler\n"
                             "metadata: {name: web}\n"
                             "spec: {maxReplicas: [1, 2}\n");
  RunOutput run = validate({broken});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, ::testing::StartsWith(broken + ": YAML syntax error at line 4, column "));
}

TEST_F(ValidateCommand, NoFileIsAUsageError) {
  RunOutput run = validate({});
  EXPECT_EQ(run.exit_code, 2);
}

TEST_F(ValidateCommand, EveryExampleConfigIsOk) {
  std::vector<std::string> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(USERSCALE_SOURCE_DIR) / "examples" / "configs")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  ASSERT_GE(files.size(), 7u);
  RunOutput run = validate(files);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const std::string& file : files) {
    EXPECT_THAT(run.out, ::testing::HasSubstr(file + ": ok\n"));
  }
}

}  // namespace
}  // namespace userscale::testing
