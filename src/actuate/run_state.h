// The local world's state file (RUN_DIR/state.json): the pids and ports of what the scaler
// started, rewritten (atomically) whenever they change, so that a scaler killed and started
// again adopts them instead of starting a second set.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <vector>

#include "actuate/process_pool.h"
#include "core/result.h"

namespace userscale::actuate {

struct RunState {
  pid_t scaler_pid = 0;
  pid_t haproxy_pid = 0;
  int haproxy_port = 0;
  pid_t prometheus_pid = 0;
  int prometheus_port = 0;
  int next_seq = 1;
  std::vector<ReplicaRecord> replicas;
};

Result<RunState> read_run_state(const std::filesystem::path& file);
Status write_run_state(const std::filesystem::path& file, const RunState& state);

}  // namespace userscale::actuate
