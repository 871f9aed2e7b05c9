// A free TCP port on loopback, for the processes the local world starts (HAProxy, Prometheus)
// that cannot report a port they picked themselves.
#pragma once

#include "core/result.h"

namespace userscale::actuate {

Result<int> free_loopback_port();

}  // namespace userscale::actuate
