// The parameters of policy `gpuaware` (spec.policy.params), their defaults and their checks.
// docs/gpuaware.md says what each one does in the model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/policies/policy_params.h"
#include "core/result.h"
#include "core/timefmt.h"

namespace userscale {

// How requests queue for replicas (see queueing.h): one shared queue (least-outstanding
// balancing: M/M/c, Erlang C) or one queue per replica (round-robin or random: c x M/M/1).
enum class QueueModel { ErlangC, Split };

// Where the scheduler puts the next replica: on the GPU that already holds the most pods
// (bin-packing, the simulator's default), on the one with the fewest (Kubernetes' default
// LeastAllocated node scoring), or learned from where replicas were seen to land.
enum class PlacementParam { Auto, Packed, Spread };

struct GpuAwareParams {
  // SLO-driven sizing.
  double slo_ms = 1000;          // latency objective for one request
  double slo_percentile = 0.99;  // share of requests that must meet it
  QueueModel queue_model = QueueModel::ErlangC;
  double headroom = 0.1;         // extra arrival rate provisioned for
  double max_utilization = 0.9;  // never plan replicas busier than this
  Duration backlog_drain = 60;   // requests already queued are planned to drain within this
  double tolerance = 0.05;       // a gap between need and usable capacity under this share of
                                 // the need moves nothing (the estimates it compares are noisy)

  // Prediction.
  double forecast_alpha = 0.5;      // Holt level smoothing
  double forecast_beta = 0.3;       // Holt trend smoothing
  Duration provisioning_delay = 0;  // forecast horizon; 0: learned from pods seen starting

  // Capacity estimation.
  double capacity_alpha = 0.3;    // smoothing of the capacity estimates, per tick
  double busy_utilization = 0.9;  // a replica this busy (N >= 9 inside, or queueing) is
                                  // congested: working at its limit
  double min_gain = 0.25;    // an added replica that raises a GPU's throughput by less than this
                             // share of one replica's adds nothing
  Duration settle_time = 0;  // after a change, wait this long before measuring; 0: the
                             // replicas' metric window plus one sync period
  Duration saturation_ttl = 3600;  // a saturation verdict is re-learned after this long

  // Supply.
  std::int32_t slices_per_gpu = 0;  // replicas the scheduler fits on one GPU; 0: learned
  PlacementParam placement = PlacementParam::Auto;
  Duration pending_grace = 5;     // an unscheduled pod older than this: no free slice
  Duration supply_timeout = 180;  // an unscheduled pod older than this: no new GPU comes

  // Memory.
  double max_memory_fraction = 0.95;  // of a GPU's memory that replicas may fill
  double replica_memory_bytes = 0;    // GPU memory of one replica; 0: learned

  // Scale-down.
  double scale_down_band = 0.9;    // scale in only to a count that meets the SLO for the
                                   // planned arrivals divided by this
  Duration scale_down_delay = 60;  // cool-down after any change, and the window whose
                                   // highest recommendation a scale-down keeps
  Duration staleness = 15;         // 3 sync periods; read_gpuaware_params derives it

  Duration sync_period = 5;  // from the spec: the next decision comes this much later

  // Features switched off, for ablation studies.
  std::vector<std::string> disable;
  bool enabled(const std::string& feature) const;
};

// The feature names `disable` accepts.
const std::vector<std::string>& gpuaware_feature_names();

// Reads every parameter (defaults above; staleness defaults to 3 x sync_period_seconds) and
// records each mistake in `reader`.
GpuAwareParams read_gpuaware_params(ParamReader& reader, double sync_period_seconds);
Result<GpuAwareParams> parse_gpuaware_params(const ParamMap& params, double sync_period_seconds);

}  // namespace userscale
