#include "cli/scaler_common.h"

#include "controller/clock.h"
#include "keda/keda_target.h"

namespace userscale::cli {

Result<std::unique_ptr<keda::KedaServer>> start_keda_server(const controller::Controller& ctl,
                                                            int port, const std::string& bind) {
  keda::KedaServerOptions ko;
  ko.bind = bind;
  ko.port = port;
  return keda::KedaServer::start(
      ko, [&ctl](const std::string& name) { return ctl.metrics().desired_replicas(name); });
}

void ScalerEndpoints::stop() {
  if (keda) keda->stop();
  if (status) status->stop();
}

Result<ScalerEndpoints> start_endpoints(const controller::Controller& ctl,
                                        const std::string& listen, int keda_port,
                                        const std::string& keda_bind,
                                        const std::string& keda_targets,
                                        const std::function<void(const std::string&)>& say) {
  ScalerEndpoints e;
  auto status = controller::StatusServer::start(ctl, listen);
  if (!status.ok()) return status.error();
  e.status = std::move(status).value();
  say("status on http://127.0.0.1:" + std::to_string(e.status->port()) +
      " (/metrics /healthz /api/v1/snapshot /api/v1/decisions)");
  if (keda_port < 0) return e;
  auto keda = start_keda_server(ctl, keda_port, keda_bind);
  if (!keda.ok()) {
    e.stop();
    return keda.error();
  }
  e.keda = std::move(keda).value();
  say("KEDA external scaler on " + keda_bind + ":" + std::to_string(e.keda->port()) + " (metric " +
      keda::kDesiredReplicasMetric + ", scalerMetadata.target " + keda_targets + ")");
  return e;
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
