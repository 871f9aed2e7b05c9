#include "sim/oracle_policy.h"

#include <cstdio>
#include <string>

namespace userscale::sim {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

Recommendation OraclePolicy::recommend(const Observation& obs) {
  const OracleModel& m = *model_;
  const double t = obs.now - m.start_time;
  Recommendation r;
  r.desired_replicas = m.needed_at(t);
  MetricProposal p;
  p.proposed_replicas = r.desired_replicas;
  const std::string target = fixed(100.0 * m.target_attainment, 1) + " %";
  if (m.closed_loop()) {
    p.name = "closed_loop_attainment";
    p.value = m.attainment[static_cast<std::size_t>(r.desired_replicas)];
    p.target = m.target_attainment;
    r.reason = "oracle: the closed loop's users throughout; " + std::to_string(r.desired_replicas) +
               " replicas keep " + fixed(100.0 * *p.value, 1) + " % within the SLO (target " +
               target + ")";
  } else {
    const double peak = m.peak_rate_at(t);
    p.name = "future_arrival_rate";
    p.value = peak;
    p.target = m.carried[static_cast<std::size_t>(r.desired_replicas)];
    r.reason = "oracle: peak " + fixed(peak, 2) + " req/s within the next " +
               fixed(m.lookahead, 0) + " s; " + std::to_string(r.desired_replicas) +
               " replicas carry " + fixed(*p.target, 2) + " req/s at " + target + " within the SLO";
  }
  r.metrics.push_back(std::move(p));
  return r;
}

}  // namespace userscale::sim
