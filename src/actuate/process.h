// Child processes of the local world: started with their output in a log file and in their own
// process group (so that Ctrl-C at the terminal reaches only the scaler, which then drains
// them in order), probed, signalled and reaped. Processes adopted from an earlier scaler are
// not our children; they are probed through /proc.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace userscale::actuate {

// Starts argv[0] (a path) with the current environment; stdout and stderr go to `log`
// (appended). Returns the pid.
Result<pid_t> spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);

// True while the process runs. Reaps our own children that have exited; a zombie that is
// not ours counts as gone.
bool is_alive(pid_t pid);

// The process's command line, arguments joined by spaces; empty when it is gone.
std::string command_line(pid_t pid);

// SIGTERM, then SIGKILL when it outlives `grace`; waits until it is gone (at most grace + 2 s).
// Returns true when it ended within the grace.
bool terminate(pid_t pid, std::chrono::milliseconds grace);

// Live processes whose stdout is a file under `dir` (read from /proc/PID/fd/1): how the pool
// finds replicas it started but never recorded, when the scaler was killed between the two.
std::vector<pid_t> processes_logging_under(const std::filesystem::path& dir);

// The path of the running binary (/proc/self/exe), for starting replicas of the same build.
std::filesystem::path self_binary();

}  // namespace userscale::actuate
