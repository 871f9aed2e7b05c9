// The load balancer in front of the replicas, as the process pool sees it: numbered server
// slots that are pointed at a replica and enabled, or disabled, without a reload.
#pragma once

#include "core/result.h"

namespace userscale::actuate {

class Balancer {
 public:
  virtual ~Balancer() = default;
  virtual int slots() const = 0;
  // Points slot `slot` (1-based) at 127.0.0.1:port and sends it traffic.
  virtual Status enable(int slot, int port) = 0;
  // No new requests go to the slot; requests in flight finish.
  virtual Status disable(int slot) = 0;
  // Requests the slot is serving now (and queued for it).
  virtual Result<int> active(int slot) = 0;
};

}  // namespace userscale::actuate
