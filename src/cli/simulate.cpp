// `userscale simulate SCENARIO.yaml [--policy NAME] [--config GPUAUTOSCALER.yaml]
// [--trace FILE] [--seed N] [--out DIR]`: runs the scenario in the embedded simulator and
// writes DIR/summary.json, DIR/timeline.csv and DIR/events.jsonl. Bad input exits 2.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "config/gpu_autoscaler.h"
#include "config/scenario.h"
#include "config/trace.h"
#include "sim/policy_factory.h"
#include "sim/report_files.h"
#include "sim/simulator.h"

namespace userscale::cli {
namespace {

struct SimulateOptions {
  std::string scenario;
  std::string policy;
  std::string config;
  std::string trace;
  std::optional<std::uint64_t> seed;
  std::string out;
};

int run_simulate(const SimulateOptions& o) {
  auto loaded = config::load_scenario(o.scenario);
  if (!loaded.ok()) {
    std::cerr << o.scenario << ": invalid scenario\n";
    std::cerr << loaded.error().message << "\n";
    return 2;
  }
  config::Scenario sc = std::move(loaded).value();
  if (!o.config.empty()) {
    auto parsed = load_gpu_autoscaler_file(o.config);
    if (!parsed.ok()) {
      for (const Error& e : parsed.errors()) std::cerr << o.config << ": " << e.to_string() << "\n";
      return 2;
    }
    sc.autoscaler = parsed->spec;
  }
  if (!o.policy.empty() && o.policy != sc.autoscaler.policy.name) {
    sc.autoscaler.policy.name = o.policy;
    sc.autoscaler.policy.params.clear();  // another policy's parameters do not carry over
  }
  if (o.seed) sc.seed = *o.seed;
  if (!o.trace.empty()) {
    sc.load.kind = config::LoadKind::Trace;
    sc.load.trace_path = o.trace;
  }
  std::optional<config::Trace> trace;
  if (sc.load.kind == config::LoadKind::Trace) {
    auto t = config::load_trace(sc.load.trace_path);
    if (!t.ok()) {
      std::cerr << t.error().to_string() << "\n";
      return 2;
    }
    trace = std::move(t).value();
  }
  // Built before the run, so that a bad name or parameter is reported first.
  auto maker = sim::make_policy_factory(sc, trace ? &*trace : nullptr);
  if (!maker.ok()) {
    std::cerr << o.scenario << ": autoscaler." << maker.error().to_string() << "\n";
    return 2;
  }
  const std::string out = o.out.empty()
                              ? "userscale-results/" + sc.name + "-" + sc.autoscaler.policy.name +
                                    "-seed" + std::to_string(sc.seed)
                              : o.out;
  auto sink = sim::FileSink::open(out, sim::timeline_gpu_columns(sc));
  if (!sink.ok()) {
    std::cerr << sink.error().to_string() << "\n";
    return 1;
  }
  sim::SimInputs in;
  in.scenario = &sc;
  in.trace = trace ? &*trace : nullptr;
  in.sink = sink->get();
  in.make_policy = maker->make;
  auto summary = sim::simulate(in);
  if (!summary.ok()) {
    std::cerr << o.scenario << ": " << summary.error().to_string() << "\n";
    return 2;
  }
  if (auto st = (*sink)->finish(*summary); !st.ok()) {
    std::cerr << st.error().to_string() << "\n";
    return 1;
  }
  const sim::Summary& s = *summary;
  std::cout << s.scenario << " (" << s.policy << ", seed " << s.seed << "): " << s.completed << "/"
            << s.requests << " completed, " << s.failed << " failed, " << s.throughput_rps
            << " req/s, latency p50 " << s.latency_p50_ms << " ms p99 " << s.latency_p99_ms
            << " ms max " << s.latency_max_ms << " ms, SLO " << 100.0 * s.slo_attainment
            << " %, avg replicas " << s.avg_replicas << " (max " << s.max_replicas << "), "
            << s.scaling_events << " scaling events -> " << out << "\n";
  if (maker->oracle) {
    const double bound = maker->oracle->fluid_bound_gpu_seconds(s.duration);
    std::cout << "oracle: " << s.gpu_seconds << " gpu-seconds; fluid lower bound " << bound
              << " (instant, free scaling to each moment's need): ratio "
              << (bound > 0 ? s.gpu_seconds / bound : 0.0) << "\n";
  }
  return 0;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Run a scenario in the embedded cluster simulator and write its results");
  cmd->add_option("scenario", opts->scenario, "scenario YAML file")->required();
  cmd->add_option("--policy", opts->policy, "policy name (replaces the scenario's)");
  cmd->add_option("--config", opts->config, "GPUAutoscaler YAML (replaces the scenario's)");
  cmd->add_option("--trace", opts->trace, "trace file to replay (replaces the scenario's load)");
  cmd->add_option("--seed", opts->seed, "random seed (replaces the scenario's)");
  cmd->add_option("--out", opts->out, "output directory");
  cmd->callback([opts, &exit_code] { exit_code = run_simulate(*opts); });
}

}  // namespace userscale::cli
