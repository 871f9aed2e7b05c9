#include "core/policies/gpuaware/gpuaware_params.h"

#include <algorithm>

#include "core/policies/policy_signals.h"

namespace userscale {
namespace {

// One name out of `allowed`, written as the only entry of a name list.
std::optional<std::string> read_choice(ParamReader& reader, const std::string& key,
                                       const std::vector<std::string>& allowed) {
  std::vector<std::string> names;
  reader.name_list(key, names, allowed);
  if (names.empty()) return std::nullopt;
  if (names.size() > 1) {
    reader.fail(key, "must be one of the names, got " + std::to_string(names.size()));
    return std::nullopt;
  }
  return names.front();
}

}  // namespace

bool GpuAwareParams::enabled(const std::string& feature) const {
  return std::find(disable.begin(), disable.end(), feature) == disable.end();
}

const std::vector<std::string>& gpuaware_feature_names() {
  static const std::vector<std::string> names = {"forecast", "topology",   "startup",
                                                 "memory",   "hysteresis", "latency-guard"};
  return names;
}

GpuAwareParams read_gpuaware_params(ParamReader& reader, double sync_period_seconds) {
  GpuAwareParams p;
  p.sync_period = sync_period_seconds;
  p.staleness = 3 * sync_period_seconds;
  const Bounds positive = Bounds::greater_than(0);
  const Bounds fraction = Bounds::open(0, 1);
  const Bounds share = Bounds::open_closed(0, 1);
  const Bounds seconds = Bounds::closed(0, 86400);
  const Bounds positive_seconds = Bounds::open_closed(0, 86400);

  reader.number("slo_ms", p.slo_ms, positive);
  reader.number("slo_percentile", p.slo_percentile, fraction);
  if (auto m = read_choice(reader, "queue_model", {"erlang-c", "split"})) {
    p.queue_model = *m == "split" ? QueueModel::Split : QueueModel::ErlangC;
  }
  reader.number("headroom", p.headroom, Bounds::closed(0, 10));
  reader.number("max_utilization", p.max_utilization, fraction);
  reader.duration("backlog_drain", p.backlog_drain, positive_seconds);
  reader.number("tolerance", p.tolerance, Bounds{0.0, false, 1.0, true});

  reader.number("forecast_alpha", p.forecast_alpha, share);
  reader.number("forecast_beta", p.forecast_beta, share);
  reader.duration("provisioning_delay", p.provisioning_delay, seconds);

  reader.number("capacity_alpha", p.capacity_alpha, share);
  reader.number("busy_utilization", p.busy_utilization, fraction);
  reader.number("min_gain", p.min_gain, share);
  reader.duration("settle_time", p.settle_time, seconds);
  reader.duration("saturation_ttl", p.saturation_ttl, positive_seconds);

  reader.integer("slices_per_gpu", p.slices_per_gpu, 0, 1024);
  if (auto m = read_choice(reader, "placement", {"auto", "packed", "spread"})) {
    p.placement = *m == "packed"   ? PlacementParam::Packed
                  : *m == "spread" ? PlacementParam::Spread
                                   : PlacementParam::Auto;
  }
  reader.duration("pending_grace", p.pending_grace, seconds);
  reader.duration("supply_timeout", p.supply_timeout, positive_seconds);

  reader.number("max_memory_fraction", p.max_memory_fraction, share);
  reader.number("replica_memory_bytes", p.replica_memory_bytes, Bounds::at_least(0));

  reader.number("scale_down_band", p.scale_down_band, share);
  reader.duration("scale_down_delay", p.scale_down_delay, seconds);
  reader.duration("staleness", p.staleness, positive_seconds);
  reader.name_list("disable", p.disable, gpuaware_feature_names());

  // An unscheduled pod is first "no free slice", later "no new GPU": the order matters.
  if (p.supply_timeout <= p.pending_grace) {
    reader.fail(reader.has("supply_timeout") ? "supply_timeout" : "pending_grace",
                "supply_timeout (" + format_shortest(p.supply_timeout) +
                    ") must be above pending_grace (" + format_shortest(p.pending_grace) + ")");
  }
  return p;
}

Result<GpuAwareParams> parse_gpuaware_params(const ParamMap& params, double sync_period_seconds) {
  ParamReader reader(params);
  GpuAwareParams p = read_gpuaware_params(reader, sync_period_seconds);
  return first_error_or(reader.finish(), std::move(p));
}

}  // namespace userscale
