#include "experiment/capacity_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace userscale::experiment {
namespace {

constexpr double kUnlimited = std::numeric_limits<double>::infinity();

struct DeviceSlots {
  double speed = 1.0;
  int slots = 1;
};

// The schedulable devices of the largest cluster the scenario can have, in the simulator's
// order (pools, nodes, GPUs, partitions).
std::vector<DeviceSlots> devices_of(const config::Scenario& sc) {
  const auto& sharing = sc.cluster.sharing;
  const bool autoscaled = sc.cluster.node_autoscaler.kind != config::NodeAutoscalerKind::None;
  std::vector<DeviceSlots> devices;
  for (const auto& pool : sc.cluster.pools) {
    const int nodes =
        autoscaled ? std::max(pool.max_nodes, pool.initial_nodes) : pool.initial_nodes;
    for (int g = 0; g < nodes * pool.gpus_per_node; ++g) {
      switch (sharing.mode) {
        case config::SharingMode::Exclusive:
          devices.push_back({pool.gpu_speed, 1});
          break;
        case config::SharingMode::TimeSlice:
        case config::SharingMode::Mps:
          devices.push_back({pool.gpu_speed, std::max(1, sharing.replicas_per_gpu)});
          break;
        case config::SharingMode::Mig: {
          const auto profile =
              config::parse_mig_profile(sharing.mig_profile).value_or(config::MigProfile{});
          const int count =
              sharing.mig_count > 0 ? sharing.mig_count : 7 / std::max(1, profile.compute_slices);
          for (int k = 0; k < count; ++k) {
            devices.push_back({pool.gpu_speed * profile.compute_slices / 7.0, 1});
          }
          break;
        }
      }
    }
  }
  return devices;
}

// Requests per second one device completes at full load with `m` replicas on it.
double device_capacity(const config::Scenario& sc, const DeviceSlots& d, int m, double gpu_cost,
                       double occupancy, double parallel, double cpu_cap) {
  if (m <= 0 || gpu_cost <= 0.0) return m <= 0 ? 0.0 : m * cpu_cap;
  const double side_by_side = std::min(parallel, 1.0 / occupancy);
  const double alone = d.speed * side_by_side / gpu_cost;  // one replica, the device to itself
  double gpu = alone;
  switch (sc.cluster.sharing.mode) {
    case config::SharingMode::TimeSlice:
      if (m > 1) gpu = (1.0 - sc.cluster.sharing.switch_overhead) * alone;
      break;
    case config::SharingMode::Mps: {
      const double demand = std::min(1.0, parallel * occupancy);
      gpu = d.speed * std::min(1.0, m * demand) / (occupancy * gpu_cost);
      break;
    }
    default:
      break;
  }
  return std::min(gpu, m * cpu_cap);
}

}  // namespace

double mean_gpu_cost(const config::Scenario& sc, const config::Trace* trace) {
  const auto& svc = sc.service;
  if (!svc.llm) return svc.gpu_cost.mean();
  const auto& llm = *svc.llm;
  double in = llm.input_tokens.mean();
  double out = llm.output_tokens.mean();
  if (trace && sc.load.kind == config::LoadKind::Trace && !trace->requests.empty()) {
    double sum_in = 0.0, sum_out = 0.0;
    std::size_t n_in = 0, n_out = 0;
    for (const auto& r : trace->requests) {
      if (r.input_tokens >= 0) sum_in += r.input_tokens, ++n_in;
      if (r.output_tokens >= 0) sum_out += r.output_tokens, ++n_out;
    }
    if (n_in > 0) in = sum_in / static_cast<double>(n_in);
    if (n_out > 0) out = sum_out / static_cast<double>(n_out);
  }
  return llm.prefill_seconds_per_token * in + llm.decode_seconds_per_step * out;
}

double closed_loop_demand_rps(const config::Scenario& sc, const config::Trace* trace) {
  if (sc.load.kind != config::LoadKind::Closed) return 0.0;
  double fastest_speed = 0.0;
  for (const auto& pool : sc.cluster.pools) fastest_speed = std::max(fastest_speed, pool.gpu_speed);
  const double gpu = fastest_speed > 0.0 ? mean_gpu_cost(sc, trace) / fastest_speed : 0.0;
  const double cpu = sc.service.cpu_limit_cores > 0.0
                         ? sc.service.cpu_cost.mean() / sc.service.cpu_limit_cores
                         : 0.0;
  const double cycle = sc.load.think.mean() + gpu + cpu;
  if (cycle <= 0.0) return kUnlimited;
  return sc.load.users / cycle;
}

CapacityModel capacity_model(const config::Scenario& sc, const config::Trace* trace,
                             double target_utilization) {
  const auto& svc = sc.service;
  CapacityModel model;
  model.min_replicas = std::max(0, sc.autoscaler.effective_min_replicas());
  model.max_replicas = std::max(model.min_replicas, sc.autoscaler.max_replicas);
  model.target_utilization = target_utilization;

  const double gpu_cost = mean_gpu_cost(sc, trace);
  const double occupancy =
      svc.llm ? 1.0 / std::max(1, svc.llm->max_batch) : std::clamp(svc.gpu_occupancy, 1e-6, 1.0);
  double parallel = kUnlimited;
  if (svc.gpu_streams > 0) parallel = std::min(parallel, static_cast<double>(svc.gpu_streams));
  if (svc.concurrency > 0) parallel = std::min(parallel, static_cast<double>(svc.concurrency));
  const double cpu_cost = svc.cpu_cost.mean();
  const double cpu_cap =
      cpu_cost > 0.0 && svc.cpu_limit_cores > 0.0 ? svc.cpu_limit_cores / cpu_cost : kUnlimited;

  const std::vector<DeviceSlots> devices = devices_of(sc);
  std::vector<int> placed(devices.size(), 0);
  model.capacity.assign(static_cast<std::size_t>(model.max_replicas) + 1, 0.0);
  const bool packed = sc.cluster.sharing.placement == config::Placement::Packed;
  for (int n = 1; n <= model.max_replicas; ++n) {
    // Place replica n where the simulator would: the fullest device with a free slot when
    // packed, else the emptiest (random placement spreads replicas the same on average).
    std::size_t best = devices.size();
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (placed[i] >= devices[i].slots) continue;
      if (best == devices.size() || (packed && placed[i] > placed[best]) ||
          (!packed && placed[i] < placed[best])) {
        best = i;
      }
    }
    if (best != devices.size()) ++placed[best];
    double total = 0.0;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      total += device_capacity(sc, devices[i], placed[i], gpu_cost, occupancy, parallel, cpu_cap);
    }
    model.capacity[static_cast<std::size_t>(n)] = total;
  }
  return model;
}

int CapacityModel::needed(double demand_rps) const {
  const int lo = std::max(min_replicas, 1);
  if (demand_rps <= 0.0 || max_replicas < lo) return min_replicas;
  int best = lo;
  for (int n = lo; n <= max_replicas; ++n) {
    const double c = capacity[static_cast<std::size_t>(n)];
    if (c * target_utilization >= demand_rps) return n;
    if (c > capacity[static_cast<std::size_t>(best)] * (1.0 + 1e-9)) best = n;
  }
  return best;
}

}  // namespace userscale::experiment
