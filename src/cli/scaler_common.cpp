#include "cli/scaler_common.h"

#include "controller/clock.h"

namespace userscale::cli {

Result<std::unique_ptr<keda::KedaServer>> start_keda_server(const controller::Controller& ctl,
                                                            int port, const std::string& bind) {
  keda::KedaServerOptions ko;
  ko.bind = bind;
  ko.port = port;
  return keda::KedaServer::start(
      ko, [&ctl](const std::string& name) { return ctl.metrics().desired_replicas(name); });
}

std::thread stop_after(double seconds, std::atomic<bool>& stop) {
  if (seconds <= 0) return {};
  return std::thread([seconds, &stop] {
    controller::RealClock c;
    c.wait_until(c.now() + seconds, stop);
    stop = true;
  });
}

}  // namespace userscale::cli
