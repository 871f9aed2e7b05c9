// What both worlds of `userscale scaler` run beside their controller: the KEDA external scaler
// on the controller's decisions, and the `--duration` deadline.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "controller/controller.h"
#include "controller/status_server.h"
#include "core/result.h"
#include "keda/keda_server.h"

namespace userscale::cli {

// Serves KEDA's external scaler API on bind:port (0: a free port) with the controller's desired
// replicas per target; a target without a decision yet is unknown to KEDA, never 0.
Result<std::unique_ptr<keda::KedaServer>> start_keda_server(const controller::Controller& ctl,
                                                            int port, const std::string& bind);

// What a scaler serves beside its loop: the status endpoint, and the KEDA scaler when asked.
struct ScalerEndpoints {
  std::unique_ptr<controller::StatusServer> status;
  std::unique_ptr<keda::KedaServer> keda;  // null without --keda-port
  void stop();
};

// Starts the status endpoint on `listen` and, when keda_port >= 0, the KEDA external scaler,
// telling `say` where each listens (`keda_targets` describes scalerMetadata.target). On an
// error nothing is left running.
Result<ScalerEndpoints> start_endpoints(const controller::Controller& ctl,
                                        const std::string& listen, int keda_port,
                                        const std::string& keda_bind,
                                        const std::string& keda_targets,
                                        const std::function<void(const std::string&)>& say);

// Sets `stop` after `seconds` (nothing when seconds <= 0); join() it after the loop ends.
std::thread stop_after(double seconds, std::atomic<bool>& stop);

}  // namespace userscale::cli
