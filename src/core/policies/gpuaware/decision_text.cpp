#include "core/policies/gpuaware/decision_text.h"

#include <cmath>

#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

std::string rate(double v) {
  return format_fixed(v, v < 10 ? 2 : 1) + " req/s";
}

std::string percentile_name(double p) {
  return "p" + format_fixed(100 * p, 1);
}

}  // namespace

std::string replicas_text(std::int64_t n) {
  return std::to_string(n) + (n == 1 ? " replica" : " replicas");
}

std::string decision_context(const DecisionNumbers& n) {
  std::string s = "(arrivals " + rate(n.arrivals);
  if (n.forecast > n.arrivals) {
    s += ", forecast " + rate(n.forecast) + " in " + format_fixed(n.horizon, 0) + " s";
  }
  s += ", " + rate(n.replica_rate) + " per replica, " + replicas_text(n.servers) + " for " +
       percentile_name(n.percentile) + " <= " + format_fixed(n.slo_ms, 0) + " ms";
  if (!n.slo_reachable) s += " (unreachable: the service time alone exceeds it)";
  s += ": need " + rate(n.need) + ", usable " + rate(n.usable);
  if (n.gpus > 0) s += " on " + std::to_string(n.gpus) + (n.gpus == 1 ? " GPU" : " GPUs");
  return s + ")";
}

std::string blocked_text(const AddOutcome& out, std::int64_t wanted, Duration oldest_pending,
                         int stuck_pods) {
  const std::string more = std::to_string(wanted) + " more";
  const std::string where = out.gpu.empty() ? "a new node" : out.gpu;
  switch (out.stop) {
    case AddStop::Saturated:
      return "no unsaturated GPU: " + more + (wanted == 1 ? " replica" : " replicas") + " on " +
             where + " would add nothing (saturated at " +
             replicas_text(out.useful_limit.value_or(0)) + ", " + rate(out.gpu_capacity) + ")";
    case AddStop::Settling:
      return "waiting to see what the last replica on " + where + " adds (" + more + " wanted)";
    case AddStop::NotBusy:
      return where + " is not busy enough to tell whether sharing it helps (" + more + " wanted)";
    case AddStop::Measuring:
      return "measuring " + where + " before sharing it further (" + more + " wanted)";
    case AddStop::Memory:
      return "no GPU memory: another replica would run " + where + " out of memory (" + more +
             " wanted)";
    case AddStop::NoSupply:
      return "no new GPU: " + std::to_string(stuck_pods) + (stuck_pods == 1 ? " pod" : " pods") +
             " unscheduled for " + format_fixed(std::floor(oldest_pending), 0) + " s (" + more +
             " wanted)";
    case AddStop::None:
      break;
  }
  return "";
}

}  // namespace userscale
