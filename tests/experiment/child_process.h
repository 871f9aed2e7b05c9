// The shared test child process (tests/support/child_process.h), under the experiment tests' names.
#pragma once

#include "support/child_process.h"

namespace userscale::experiment::testing {

using userscale::testing::ChildProcess;
using userscale::testing::run_to_end;

}  // namespace userscale::experiment::testing
