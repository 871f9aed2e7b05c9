// What both worlds of `userscale scaler` run beside their controller: the KEDA external scaler
// on the controller's decisions, and the `--duration` deadline.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "controller/controller.h"
#include "core/result.h"
#include "keda/keda_server.h"

namespace userscale::cli {

// Serves KEDA's external scaler API on bind:port (0: a free port) with the controller's desired
// replicas per target; a target without a decision yet is unknown to KEDA, never 0.
Result<std::unique_ptr<keda::KedaServer>> start_keda_server(const controller::Controller& ctl,
                                                            int port, const std::string& bind);

// Sets `stop` after `seconds` (nothing when seconds <= 0); join() it after the loop ends.
std::thread stop_after(double seconds, std::atomic<bool>& stop);

}  // namespace userscale::cli
