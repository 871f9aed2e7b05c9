// Runs a program with a time limit and captures its exit status, stdout and stderr, so that
// tests can drive the real `userscale` binary as a user would.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/case_compare.h"

namespace userscale::testing {

// Starts argv[0] (a path, not searched in PATH) with the given arguments and the current
// environment. A run that outlives `limit` is killed and reported with timed_out set; a program
// that cannot be started reports exit code 127 and the reason on err.
RunOutput run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit);

}  // namespace userscale::testing
