#include "cli/process_runner.h"

#include <gtest/gtest.h>

namespace userscale::testing {
namespace {

using std::chrono::milliseconds;

TEST(RunProcess, CapturesExitCodeStdoutAndStderrSeparately) {
  RunOutput r =
      run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(RunProcess, ReadsLargeOutputOnBothStreamsWithoutBlocking) {
  // More than a pipe buffer on each stream: reading only one at a time would deadlock.
  RunOutput r = run_process(
      {"/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a; head -c 200000 /dev/zero >&2"},
      milliseconds(10000));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 200000u);
  EXPECT_EQ(r.err.size(), 200000u);
}

TEST(RunProcess, KillsARunPastItsLimit) {
  RunOutput r = run_process({"/bin/sh", "-c", "exec sleep 30"}, milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.exit_code, 0);
}

TEST(RunProcess, ReportsAProgramThatCannotStart) {
  RunOutput r = run_process({"/nonexistent/userscale"}, milliseconds(1000));
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
}  // namespace userscale::testing
