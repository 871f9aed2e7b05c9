// userscale as a KEDA external scaler (gRPC, externalscaler.ExternalScaler): for the target a
// ScaledObject names, the metric is the replica count userscale decided, with a target size of
// 1, so that the HPA KEDA creates asks for exactly that count; IsActive is desired > 0, and
// StreamIsActive pushes each change of it. Until userscale has decided for a target, metrics
// and activity are errors (UNAVAILABLE), which KEDA and the HPA treat as "hold", never as 0.
// The gRPC and protobuf code stays inside this library's .cpp files.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"

namespace userscale::keda {

// The replicas userscale last decided for "namespace/name"; nullopt while it has not decided
// or when it does not scale that target. Called from gRPC threads.
using DesiredReplicasLookup = std::function<std::optional<int>(const std::string& target)>;

struct KedaServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: a free one
  // How often an open StreamIsActive looks for a change.
  std::chrono::milliseconds stream_poll{250};
};

class KedaServer {
 public:
  static Result<std::unique_ptr<KedaServer>> start(const KedaServerOptions& options,
                                                   DesiredReplicasLookup lookup);
  ~KedaServer();
  KedaServer(const KedaServerOptions&, DesiredReplicasLookup);  // use start()
  KedaServer(const KedaServer&) = delete;
  KedaServer& operator=(const KedaServer&) = delete;

  int port() const;
  // Ends open streams and stops listening; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace userscale::keda
