// The scaler's HTTP endpoint on loopback (Boost.Beast): /metrics, /healthz, /api/v1/snapshot
// and /api/v1/decisions?after=SEQ, the contract `userscale watch` reads. One Asio thread; every
// answer is built from state the controller already holds, so no request waits on a tick.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "controller/controller.h"
#include "core/result.h"

namespace userscale::controller {

class StatusServer {
 public:
  // `listen` is "HOST:PORT"; port 0 picks a free one.
  static Result<std::unique_ptr<StatusServer>> start(const Controller& controller,
                                                     const std::string& listen);
  ~StatusServer();
  int port() const;
  void stop();

  struct Impl;

 private:
  explicit StatusServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace userscale::controller
