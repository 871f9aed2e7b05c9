#include "core/policies/gpuaware/capacity_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace userscale {
namespace {

constexpr double kEpsilon = 1e-9;

}  // namespace

int CapacityPlan::Slot::counted(bool on_the_way) const {
  return serving + planned + (on_the_way ? starting + placed : 0);
}

CapacityPlan::CapacityPlan(const PlanContext& context) : c_(context) {
  const ClusterView& view = *c_.view;
  for (const GpuView& g : view.gpus) {
    Slot s;
    s.gpu = &g;
    if (g.listed) s.limit = c_.capacity->verdict(g, c_.now).useful_limit;
    const GpuEstimate est = c_.capacity->estimate(g.key);
    s.rate = c_.replica_rate;
    if (est.capacity && est.replicas > 0) {
      s.rate = *est.capacity / std::min(est.replicas, s.limit.value_or(est.replicas));
    }
    s.serving = static_cast<int>(g.serving.size());
    s.starting = static_cast<int>(g.starting.size());
    slots_.push_back(s);
  }
  auto slot_of = [&](const std::string& key) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].gpu->key == key) return static_cast<int>(i);
    }
    return -1;
  };
  for (const ReplicaView& r : view.replicas) {
    if (r.state == ReplicaState::Serving) {
      members_.push_back(Member{2, r.ready_since.value_or(0), slot_of(r.gpu)});
    } else if (r.state == ReplicaState::Starting) {
      members_.push_back(Member{1, 0, slot_of(r.gpu)});
    }
  }
  // Unscheduled replicas go where the scheduler will put them.
  for (int k = 0; k < view.pending + view.not_created; ++k) {
    const std::optional<int> spot = landing();
    if (spot) {
      ++slots_[static_cast<std::size_t>(*spot)].placed;
    } else {
      ++new_node_pending_;
    }
    members_.push_back(Member{0, 0, spot.value_or(-1)});
  }
  std::stable_sort(members_.begin(), members_.end(), [](const Member& a, const Member& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.ready_since > b.ready_since;
  });
  // The scale already asks for fewer: the ReplicaSet deletes these first.
  for (int k = 0; k < view.to_be_deleted && !members_.empty(); ++k) remove_member(0);
}

double CapacityPlan::slot_capacity(const Slot& s, int extra) const {
  const int n = s.counted(c_.count_on_the_way) + extra;
  return s.rate * std::min(n, s.limit.value_or(std::numeric_limits<int>::max()));
}

double CapacityPlan::usable() const {
  double total = 0;
  for (const Slot& s : slots_) total += slot_capacity(s, 0);
  const bool pending_counts = c_.count_on_the_way && !c_.supply_blocked;
  total += (pending_counts ? new_node_pending_ : 0) * c_.replica_rate;
  return total + new_node_planned_ * c_.replica_rate;
}

double CapacityPlan::serving() const {
  double total = 0;
  for (const Slot& s : slots_) {
    total += s.rate * std::min(s.serving, s.limit.value_or(std::numeric_limits<int>::max()));
  }
  return total;
}

int CapacityPlan::listed_gpus() const {
  return static_cast<int>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.gpu->listed; }));
}

std::optional<std::string> CapacityPlan::first_deleted_serving_gpu() const {
  if (members_.empty() || members_.front().rank != 2 || members_.front().slot < 0) {
    return std::nullopt;
  }
  return slots_[static_cast<std::size_t>(members_.front().slot)].gpu->key;
}

std::optional<int> CapacityPlan::landing() const {
  const bool packed = c_.placement->belief() == Placement::Packed;
  std::optional<int> best;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.gpu->listed || !c_.slices->may_take(*s.gpu, s.occupying())) continue;
    if (!best) {
      best = static_cast<int>(i);
      continue;
    }
    const int here = s.occupying();
    const int there = slots_[static_cast<std::size_t>(*best)].occupying();
    if (packed ? here > there : here < there) best = static_cast<int>(i);
  }
  return best;
}

double CapacityPlan::add_gain(int index, AddOutcome& why) const {
  const Slot& s = slots_[static_cast<std::size_t>(index)];
  const GpuView& g = *s.gpu;
  why.gpu = g.key;
  why.gpu_capacity = slot_capacity(s, 0);
  if (c_.memory && !c_.memory->fits(g, s.placed + s.planned)) {
    why.stop = AddStop::Memory;
    return 0;
  }
  const int ours = s.serving + s.starting + s.placed + s.planned;
  if (ours == 0) return s.rate;
  const SaturationVerdict v = c_.capacity->verdict(g, c_.now);
  if (v.useful_limit) {
    if (ours < *v.useful_limit) return s.rate;
    why.stop = AddStop::Saturated;
    why.useful_limit = v.useful_limit;
    return 0;
  }
  if (ours + 1 <= v.scales_to) return s.rate;
  if (s.planned > 0 || s.placed > 0 || c_.capacity->settling(g, c_.now) ||
      c_.capacity->awaiting_verdict(g, s.serving, c_.now)) {
    why.stop = AddStop::Settling;
    return 0;
  }
  // A probe is judged against the GPU's congested capacity at its current count: without
  // that, whether it helped could never be told.
  if (!c_.capacity->estimate(g.key).congested) {
    // Never seen shared: the replica more likely lands on new capacity (exclusive GPUs: a free
    // GPU or a new node). If it joins this GPU instead, sharing is known from then on.
    if (!c_.slices->shares(g)) return s.rate;
    why.stop = AddStop::NotBusy;
    return 0;
  }
  if (!c_.capacity->baseline(g, s.serving, c_.now)) {
    why.stop = AddStop::Measuring;
    return 0;
  }
  return s.rate;
}

AddOutcome CapacityPlan::add_until(double need, int max_add) {
  AddOutcome out;
  while (out.added < max_add && usable() < need - kEpsilon) {
    const std::optional<int> spot = landing();
    AddOutcome why;
    double gain = 0;
    if (spot) {
      gain = add_gain(*spot, why);
    } else if (c_.supply_blocked) {
      why.stop = AddStop::NoSupply;
    } else if (c_.memory && !c_.memory->fits_new_gpu()) {
      why.stop = AddStop::Memory;
    } else if (c_.replica_rate > 0) {
      // Every further replica lands on a new node too: add them at once.
      const double missing = std::ceil((need - usable()) / c_.replica_rate - kEpsilon);
      const int n = static_cast<int>(std::clamp(missing, 1.0, double(max_add - out.added)));
      new_node_planned_ += n;
      out.added += n;
      continue;
    }
    if (gain <= 0) {
      out.stop = why.stop;
      out.gpu = why.gpu;
      out.useful_limit = why.useful_limit;
      out.gpu_capacity = why.gpu_capacity;
      break;
    }
    ++slots_[static_cast<std::size_t>(*spot)].planned;
    ++out.added;
  }
  return out;
}

bool CapacityPlan::past_limit(const Member& m) const {
  if (m.slot < 0) return false;
  const Slot& s = slots_[static_cast<std::size_t>(m.slot)];
  return s.limit && s.counted(c_.count_on_the_way) > *s.limit;
}

void CapacityPlan::remove_member(std::size_t index) {
  const Member m = members_[index];
  members_.erase(members_.begin() + static_cast<std::ptrdiff_t>(index));
  if (m.slot < 0) {
    --new_node_pending_;
    return;
  }
  Slot& s = slots_[static_cast<std::size_t>(m.slot)];
  int& count = m.rank == 2 ? s.serving : m.rank == 1 ? s.starting : s.placed;
  --count;
}

int CapacityPlan::remove_while(double keep, bool only_free) {
  int removed = 0;
  while (members_.size() > 1) {
    // Free: past its GPU's useful limit. (An unscheduled replica headed for a new node costs
    // nothing while no GPU comes, but it is still wanted if one does.)
    if (only_free && !past_limit(members_.front())) break;
    const double before = usable();
    CapacityPlan trial = *this;
    trial.remove_member(0);
    const double loss = before - trial.usable();
    if (only_free ? loss > kEpsilon : trial.usable() < keep - kEpsilon) break;
    *this = std::move(trial);
    ++removed;
  }
  return removed;
}

}  // namespace userscale
