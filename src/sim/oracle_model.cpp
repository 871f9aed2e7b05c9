#include "sim/oracle_model.h"

#include <algorithm>
#include <cmath>

#include "sim/rng.h"
#include "sim/simulator.h"

namespace userscale::sim {
namespace {

// Holds one count: the steady runs that measure what a count carries.
class FixedPolicy : public Policy {
 public:
  explicit FixedPolicy(int n) : n_(n) {}
  std::string name() const override { return "fixed"; }
  Recommendation recommend(const Observation&) override {
    Recommendation r;
    r.desired_replicas = n_;
    r.reason = "fixed count";
    return r;
  }

 private:
  int n_;
};

double upper(const config::DistSpec& d) {
  switch (d.kind) {
    case config::DistKind::Constant:
      return d.a;
    case config::DistKind::Uniform:
      return d.b;
    case config::DistKind::Exponential:
      return 3.0 * d.a;
    case config::DistKind::Normal:
      return d.a + 2.0 * d.b;
    case config::DistKind::LogNormal:
    case config::DistKind::Gamma:
      return d.a * (1.0 + 2.0 * d.b);
  }
  return d.a;
}

// The scenario's cluster and service at a fixed count: every node it may have is up from the
// start (a steady state has no provisioning), no spot node goes away, the pods are Ready at 0.
config::Scenario steady_scenario(const config::Scenario& sc, int n, double duration) {
  config::Scenario s = sc;
  s.duration = duration;
  s.sample_period = duration;
  const bool autoscaled = sc.cluster.node_autoscaler.kind != config::NodeAutoscalerKind::None;
  for (auto& pool : s.cluster.pools) {
    if (autoscaled) pool.initial_nodes = std::max(pool.initial_nodes, pool.max_nodes);
    pool.spot_interruptions_per_hour = 0.0;
  }
  s.cluster.node_autoscaler.kind = config::NodeAutoscalerKind::None;
  s.service.initial_replicas = n;
  s.autoscaler.min_replicas = n;
  s.autoscaler.max_replicas = std::max(n, 1);
  s.autoscaler.behavior.reset();
  return s;
}

struct SteadyRun {
  double attainment = 0.0;
  double gpu_share = 0.0;  // GPU-seconds per second
};

Result<SteadyRun> run_steady(const config::Scenario& s, const config::Trace* trace, int n) {
  SimInputs in;
  in.scenario = &s;
  in.trace = trace;
  in.make_policy = [n] { return std::unique_ptr<Policy>(std::make_unique<FixedPolicy>(n)); };
  auto summary = simulate(in);
  if (!summary.ok()) return summary.error();
  SteadyRun r;
  // No request at all (rate ~0) meets any target.
  r.attainment = summary->requests == 0 ? 1.0 : summary->slo_attainment;
  r.gpu_share = s.duration > 0 ? summary->gpu_seconds / s.duration : 0.0;
  return r;
}

// LLM requests replayed from a trace keep the trace's token counts: a Poisson stream at `rate`
// whose requests take the tokens of rows drawn at random from the whole trace. Rows in order
// from the first would measure a low rate (a probe of a few dozen requests) on the trace's
// first minutes only, whose prompts can be far from its mix.
config::Trace token_stream(const config::Trace& source, double rate, double duration,
                           std::uint64_t seed) {
  config::Trace t;
  Rng rng(seed);
  double now = 0.0;
  while (true) {
    now += rng.exponential(1.0 / rate);
    if (now >= duration) break;
    const auto& row = source.requests[rng.below(source.requests.size())];
    t.requests.push_back({now, row.input_tokens, row.output_tokens});
  }
  return t;
}

bool replays_tokens(const config::Scenario& sc, const config::Trace* trace) {
  return sc.service.llm && sc.load.kind == config::LoadKind::Trace && trace != nullptr &&
         trace->format == config::Trace::Format::Requests && !trace->requests.empty();
}

constexpr std::uint64_t kTableSeed = 1;
constexpr int kClosedLoopSeeds = 5;
constexpr int kBisections = 7;

class TableBuilder {
 public:
  TableBuilder(const config::Scenario& sc, const config::Trace* trace, double target)
      : sc_(sc), trace_(trace), target_(target) {}

  // The attainment of n replicas under a steady Poisson load of `rate`.
  Result<SteadyRun> open_loop(int n, double rate) {
    // About 4,000 requests, at most half an hour of simulated time, and at least two minutes
    // and ten SLOs: a request that may take as long as the SLO must have time to queue behind
    // others, or an overloaded count would look fine over a probe as long as a few requests.
    const double floor = std::max(120.0, 10.0 * sc_.slo.latency_ms / 1000.0);
    const double duration = std::clamp(4000.0 / rate, std::min(floor, 1800.0), 1800.0);
    config::Scenario s = steady_scenario(sc_, n, duration);
    s.seed = kTableSeed;
    std::optional<config::Trace> tokens;
    if (replays_tokens(sc_, trace_)) {
      tokens = token_stream(*trace_, rate, duration, kTableSeed);
      s.load = config::LoadSpec{};
      s.load.kind = config::LoadKind::Trace;
    } else {
      s.load = config::LoadSpec{};
      s.load.kind = config::LoadKind::Poisson;
      s.load.process = config::ArrivalProcess::Poisson;
      s.load.rate = rate;
    }
    return run_steady(s, tokens ? &*tokens : nullptr, n);
  }

  // The highest rate n replicas carry at the target, starting from what n - 1 carried.
  Result<double> carried(int n, double previous, double& gpu_share) {
    auto ok = [&](double rate) -> Result<bool> {
      auto r = open_loop(n, rate);
      if (!r.ok()) return r.error();
      gpu_share = r->gpu_share;
      return r->attainment >= target_;
    };
    double lo = 0.0;
    double hi = previous > 0.0 ? previous : 1.0;
    auto first = ok(hi);
    if (!first.ok()) return first.error();
    if (*first) {
      // Grow until the target fails.
      lo = hi;
      for (hi = lo * 1.25; hi < 1e7; hi *= 2.0) {
        auto r = ok(hi);
        if (!r.ok()) return r.error();
        if (!*r) break;
        lo = hi;
      }
    } else {
      // Shrink until it holds (or the rate is negligible).
      while (hi > 1e-4) {
        const double r0 = hi / 4.0;
        auto r = ok(r0);
        if (!r.ok()) return r.error();
        if (*r) {
          lo = r0;
          break;
        }
        hi = r0;
      }
      if (lo == 0.0) return 0.0;
    }
    for (int i = 0; i < kBisections; ++i) {
      const double mid = 0.5 * (lo + hi);
      auto r = ok(mid);
      if (!r.ok()) return r.error();
      (*r ? lo : hi) = mid;
    }
    // The share measured last may be of a failing rate; it depends on the count, not the rate.
    return lo;
  }

  // The attainment the service reaches when nothing queues: every replica it may have, under
  // light loads (the best of three, so that a service slower than the lightest guess still
  // shows its unloaded tail). Requests that take longer than the SLO by themselves (an LLM's
  // longest prompts and answers) make a target above it unreachable at any count.
  Result<double> unloaded_attainment(int replicas) {
    double best = 0.0;
    for (double rate : {4000.0 / 1800.0, 1000.0 / 1800.0, 250.0 / 1800.0}) {
      auto r = open_loop(replicas, rate);
      if (!r.ok()) return r.error();
      best = std::max(best, r->attainment);
    }
    return best;
  }
  void set_target(double target) { target_ = target; }

  // Closed loop: the scenario's own users, n replicas, the mean over a few seeds.
  Result<SteadyRun> closed_loop(int n) {
    SteadyRun mean;
    const double duration = std::min(sc_.duration, 3600.0);
    for (int k = 1; k <= kClosedLoopSeeds; ++k) {
      config::Scenario s = steady_scenario(sc_, n, duration);
      s.seed = static_cast<std::uint64_t>(k);
      auto r = run_steady(s, trace_, n);
      if (!r.ok()) return r.error();
      mean.attainment += r->attainment / kClosedLoopSeeds;
      mean.gpu_share += r->gpu_share / kClosedLoopSeeds;
    }
    return mean;
  }

 private:
  const config::Scenario& sc_;
  const config::Trace* trace_;
  double target_;
};

}  // namespace

double provisioning_delay_upper(const config::Scenario& sc) {
  const auto& st = sc.service.startup;
  double d = sc.cluster.scheduling_delay + upper(st.image_pull) + upper(st.cuda_init) +
             upper(st.model_load) + st.readiness_delay;
  const auto& na = sc.cluster.node_autoscaler;
  if (na.kind != config::NodeAutoscalerKind::None)
    d += upper(na.provision_delay) + na.scan_interval;
  return d;
}

Result<std::shared_ptr<const OracleModel>> build_oracle_model(const config::Scenario& sc,
                                                              const config::Trace* trace,
                                                              const OracleParams& params) {
  auto m = std::make_shared<OracleModel>();
  m->min_replicas = std::max(0, sc.autoscaler.effective_min_replicas());
  m->max_replicas = std::max(m->min_replicas, sc.autoscaler.max_replicas);
  m->target_attainment = params.slo_attainment;
  m->lookahead = params.lookahead > 0
                     ? params.lookahead
                     : provisioning_delay_upper(sc) + sc.autoscaler.sync_period_seconds;
  m->start_time = sc.start_time;
  const auto size = static_cast<std::size_t>(m->max_replicas) + 1;
  m->carried.assign(size, 0.0);
  m->gpu_share.assign(size, 0.0);
  m->attainment.assign(size, 0.0);
  TableBuilder table(sc, trace, params.slo_attainment);
  const int first = std::max(1, m->min_replicas);

  if (sc.load.kind == config::LoadKind::Closed) {
    double best = -1.0;
    for (int n = first; n <= m->max_replicas; ++n) {
      auto r = table.closed_loop(n);
      if (!r.ok()) return r.error();
      m->attainment[static_cast<std::size_t>(n)] = r->attainment;
      m->gpu_share[static_cast<std::size_t>(n)] = r->gpu_share;
      best = std::max(best, r->attainment);
    }
    // The fewest that meet the target; when none does, the fewest within half a point of the
    // best (more replicas that do not help are cost).
    m->closed_loop_replicas = first;
    for (int n = first; n <= m->max_replicas; ++n) {
      const double a = m->attainment[static_cast<std::size_t>(n)];
      if (a >= params.slo_attainment || (best < params.slo_attainment && a >= best - 0.005)) {
        m->closed_loop_replicas = n;
        break;
      }
    }
    return std::shared_ptr<const OracleModel>(std::move(m));
  }

  m->schedule.emplace(sc.load, trace, sc.duration + m->lookahead);
  // An unreachable target would leave every count carrying nothing and the oracle holding its
  // minimum through any load. Then it aims, like the closed loop, at half a point below the best
  // the service can do.
  auto unloaded = table.unloaded_attainment(m->max_replicas);
  if (!unloaded.ok()) return unloaded.error();
  if (*unloaded < params.slo_attainment) {
    m->target_attainment = std::max(0.0, *unloaded - 0.005);
    table.set_target(m->target_attainment);
  }
  double previous = 0.0;
  for (int n = first; n <= m->max_replicas; ++n) {
    double share = 0.0;
    auto c = table.carried(n, previous, share);
    if (!c.ok()) return c.error();
    // More replicas never carry less; a probe that says so measured its own noise (a few
    // very long requests landing together).
    m->carried[static_cast<std::size_t>(n)] =
        std::max(*c, n > first ? m->carried[static_cast<std::size_t>(n - 1)] : 0.0);
    m->gpu_share[static_cast<std::size_t>(n)] = share;
    if (*c > 0.0) previous = *c;
  }
  return std::shared_ptr<const OracleModel>(std::move(m));
}

int OracleModel::needed_for_rate(double rate) const {
  const int first = std::max(1, min_replicas);
  if (rate <= 0.0) return min_replicas;
  int best = first;
  for (int n = first; n <= max_replicas; ++n) {
    const double c = carried[static_cast<std::size_t>(n)];
    if (c >= rate) return n;
    if (c > carried[static_cast<std::size_t>(best)]) best = n;
  }
  return best;
}

double OracleModel::peak_rate_at(double t) const {
  return schedule ? schedule->peak(t, t + lookahead) : 0.0;
}

int OracleModel::needed_at(double t) const {
  if (closed_loop()) return closed_loop_replicas;
  return needed_for_rate(peak_rate_at(t));
}

double OracleModel::fluid_bound_gpu_seconds(double duration) const {
  if (closed_loop()) return gpu_share[static_cast<std::size_t>(closed_loop_replicas)] * duration;
  const double b = schedule->bucket_seconds();
  double total = 0.0;
  const auto& rates = schedule->rates();
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const double t0 = static_cast<double>(i) * b;
    if (t0 >= duration) break;
    const double len = std::min(b, duration - t0);
    total += gpu_share[static_cast<std::size_t>(needed_for_rate(rates[i]))] * len;
  }
  return total;
}

}  // namespace userscale::sim
