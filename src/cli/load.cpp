// `userscale load [URL] [--scenario NAME] [--workers N --think-ms MS | --rate R --arrival
// constant|poisson] [--duration S] [--endpoint-mix sort:0.5,matrix:0.5] [--trace FILE]
// [--threads N] [--out DIR] [--json FILE] [--timeline FILE] [--slo-ms MS]`: the load generator
// (src/loadgen/).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "config/trace.h"
#include "loadgen/arrivals.h"
#include "loadgen/load_runner.h"
#include "loadgen/summary_report.h"
#include "metrics/http_client.h"

namespace userscale::cli {
namespace {

struct LoadCliOptions {
  std::string url = "http://127.0.0.1:8000";
  std::string scenario;
  int workers = 0;
  double think_ms = 0.0;
  double rate = 0.0;
  std::string arrival = "constant";
  std::optional<double> duration_s;
  std::string endpoint_mix;
  int connections = 64;
  int threads = 0;
  loadgen::WorkloadSizes sizes;
  std::string trace;
  double trace_speedup = 1.0;
  double burst_on_s = 5.0;
  double burst_off_s = 5.0;
  std::uint64_t seed = 1;
  double timeout_s = 30.0;
  std::string out_dir;
  std::string json_path;
  std::string timeline_path;
  double slo_ms = 0.0;
  bool quiet = false;
};

bool write_file(const std::string& path, const std::string& text) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

Result<loadgen::EndpointMix> choose_mix(const LoadCliOptions& o, const metrics::Url& url) {
  if (!o.endpoint_mix.empty()) return loadgen::EndpointMix::parse(o.endpoint_mix, o.sizes);
  const std::string& s = o.scenario;
  if (s == "matrix" || s == "stream" || s == "gpu" || s == "sort" || s == "convolve" ||
      s == "infer" || s == "healthz") {
    auto spec = loadgen::named_request(s, o.sizes);
    if (!spec.ok()) return spec.error();
    return loadgen::EndpointMix::single(std::move(spec).value());
  }
  if (s == "mix") {
    return loadgen::EndpointMix::parse("sort:0.25,convolve:0.25,matrix:0.25,gpu_job:0.25", o.sizes);
  }
  if (url.target != "/") {
    return loadgen::EndpointMix::single(
        loadgen::RequestSpec{url.target, "GET", url.target, "", "", 1.0});
  }
  return loadgen::EndpointMix::parse(s.empty() ? "healthz" : "gpu_job",
                                     o.sizes);  // rate scenarios default to the GPU job
}

int run_load_command(const LoadCliOptions& o) {
  auto url = metrics::parse_url(o.url);
  if (!url.ok()) {
    std::cerr << "userscale load: " << url.error().to_string() << "\n";
    return 2;
  }
  static const char* kScenarios[] = {"",         "matrix", "stream",  "gpu", "sort",
                                     "convolve", "infer",  "healthz", "mix", "burst",
                                     "ramp",     "spike",  "trace"};
  if (std::find(std::begin(kScenarios), std::end(kScenarios), o.scenario) == std::end(kScenarios)) {
    std::cerr << "userscale load: unknown --scenario \"" << o.scenario << "\"\n";
    return 2;
  }
  auto mix = choose_mix(o, *url);
  if (!mix.ok()) {
    std::cerr << "userscale load: " << mix.error().to_string() << "\n";
    return 2;
  }
  loadgen::LoadOptions lo;
  lo.host = url->host;
  lo.port = url->port;
  lo.mix = std::move(mix).value();
  lo.seed = o.seed;
  lo.connections = o.connections;
  lo.io_threads = o.threads;
  lo.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000));
  if (o.arrival != "constant" && o.arrival != "poisson") {
    std::cerr << "userscale load: --arrival must be constant or poisson\n";
    return 2;
  }
  const auto arrival =
      o.arrival == "poisson" ? loadgen::Arrival::Poisson : loadgen::Arrival::Constant;
  const bool rate_scenario = o.scenario == "burst" || o.scenario == "ramp" || o.scenario == "spike";
  if (o.scenario == "trace") {
    if (o.trace.empty()) {
      std::cerr << "userscale load: --scenario trace needs --trace FILE\n";
      return 2;
    }
    auto trace = config::load_trace(o.trace);
    if (!trace.ok()) {
      std::cerr << "userscale load: " << trace.error().to_string() << "\n";
      return 2;
    }
    const double span = trace->span_seconds() / o.trace_speedup;
    lo.duration_s = o.duration_s.value_or(span);
    lo.open_loop = true;
    if (trace->format == config::Trace::Format::Requests) {
      for (const auto& r : trace->requests) {
        const double t = r.t / o.trace_speedup;
        if (t >= lo.duration_s) break;
        lo.schedule.push_back(t);
      }
    } else {
      double peak = 0.0;
      for (double c : trace->minute_counts) peak = std::max(peak, c * o.trace_speedup / 60.0);
      lo.schedule =
          loadgen::arrival_times(loadgen::stepped_rate(trace->minute_counts, 60.0, o.trace_speedup),
                                 peak, lo.duration_s, arrival, o.seed);
    }
  } else if (o.rate > 0 || rate_scenario) {
    if (o.rate <= 0) {
      std::cerr << "userscale load: --scenario " << o.scenario << " needs --rate R\n";
      return 2;
    }
    if (o.workers > 0) {
      std::cerr
          << "userscale load: --rate (open loop) and --workers (closed loop) exclude each other\n";
      return 2;
    }
    lo.open_loop = true;
    lo.duration_s = o.duration_s.value_or(10.0);
    loadgen::RateCurve curve = loadgen::flat_rate(o.rate);
    if (o.scenario == "ramp") curve = loadgen::ramp_rate(o.rate, lo.duration_s);
    if (o.scenario == "spike") curve = loadgen::spike_rate(o.rate, lo.duration_s);
    if (o.scenario == "burst") curve = loadgen::burst_rate(o.rate, o.burst_on_s, o.burst_off_s);
    lo.schedule = loadgen::arrival_times(curve, o.rate, lo.duration_s, arrival, o.seed);
  } else {
    lo.open_loop = false;
    lo.workers = o.workers > 0 ? o.workers : 1;
    lo.think_ms = o.think_ms;
    lo.duration_s = o.duration_s.value_or(10.0);
  }

  if (!o.quiet) {
    std::cerr << "userscale load: " << (lo.open_loop ? "open" : "closed") << " loop against "
              << lo.host << ":" << lo.port << " for " << lo.duration_s << " s"
              << (lo.open_loop ? ", " + std::to_string(lo.schedule.size()) + " requests scheduled"
                               : ", " + std::to_string(lo.workers) + " workers")
              << "\n";
  }
  std::function<void(const loadgen::Progress&)> progress;
  if (!o.quiet) {
    progress = [](const loadgen::Progress& p) {
      std::fprintf(stderr, "  t=%5.1fs sent %llu ok %llu failed %llu\n", p.elapsed_s,
                   static_cast<unsigned long long>(p.sent), static_cast<unsigned long long>(p.ok),
                   static_cast<unsigned long long>(p.failed));
    };
  }
  const loadgen::LoadSummary summary = loadgen::run_load(lo, progress);
  std::cout << loadgen::summary_line(summary) << std::endl;
  const std::string json = loadgen::summary_json(summary, o.slo_ms).dump(2) + "\n";
  const std::string csv = loadgen::timeline_csv(summary);
  bool ok = true;
  if (!o.out_dir.empty()) {
    ok &= write_file(o.out_dir + "/summary.json", json);
    ok &= write_file(o.out_dir + "/timeline.csv", csv);
  }
  if (!o.json_path.empty()) ok &= write_file(o.json_path, json);
  if (!o.timeline_path.empty()) ok &= write_file(o.timeline_path, csv);
  if (!ok) {
    std::cerr << "userscale load: cannot write the results\n";
    return 1;
  }
  // A load that reached no server at all failed; answers of any code are results.
  return summary.requests > 0 && summary.completed == 0 && summary.failed_by_code.empty() ? 1 : 0;
}

}  // namespace

void add_load_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<LoadCliOptions>();
  CLI::App* cmd = app.add_subcommand("load", "Generate HTTP load against a server");
  cmd->add_option("url,--url", o->url, "Server URL")->capture_default_str();
  cmd->add_option("--scenario", o->scenario,
                  "matrix|stream|gpu|sort|convolve|infer|healthz|mix|burst|ramp|spike|trace");
  cmd->add_option("--workers,--concurrency", o->workers, "Closed-loop workers");
  cmd->add_option("--think-ms", o->think_ms, "Closed loop: pause after each answer");
  cmd->add_option("--rate", o->rate, "Open loop: requests per second (peak for ramp/spike/burst)");
  cmd->add_option("--arrival", o->arrival, "Open loop: constant or poisson")->capture_default_str();
  cmd->add_option("--duration", o->duration_s, "Seconds (default 10; trace: its span)");
  cmd->add_option("--endpoint-mix", o->endpoint_mix, "Weighted endpoints: sort:0.5,matrix:0.5");
  cmd->add_option("--connections", o->connections, "Open loop: keep-alive connections")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "I/O threads sharing the connections (0: one per usable CPU)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--size", o->sizes.sort_size, "Array size of sort")->capture_default_str();
  cmd->add_option("--convolve-size", o->sizes.convolve_size, "Image side of convolve")
      ->capture_default_str();
  cmd->add_option("--matrix-size", o->sizes.matrix_size, "Matrix side")->capture_default_str();
  cmd->add_option("--work-ms", o->sizes.work_ms, "gpu_job work")->capture_default_str();
  cmd->add_option("--stream-ms", o->sizes.stream_ms, "stream duration")->capture_default_str();
  cmd->add_option("--trace", o->trace, "Trace file for --scenario trace (../shared/traces)");
  cmd->add_option("--trace-speedup", o->trace_speedup, "Replay the trace this many times faster")
      ->capture_default_str();
  cmd->add_option("--burst-on-s", o->burst_on_s, "Burst: seconds at the peak rate")
      ->capture_default_str();
  cmd->add_option("--burst-off-s", o->burst_off_s, "Burst: seconds at a tenth of it")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of Poisson arrivals and the mix")->capture_default_str();
  cmd->add_option("--timeout-s", o->timeout_s, "Per read/write time limit")->capture_default_str();
  cmd->add_option("--out", o->out_dir, "Write DIR/summary.json and DIR/timeline.csv");
  cmd->add_option("--json", o->json_path, "Write the summary JSON here");
  cmd->add_option("--timeline", o->timeline_path, "Write the per-second timeline CSV here");
  cmd->add_option("--slo-ms", o->slo_ms, "Also count the answers within this latency (JSON)");
  cmd->add_flag("--quiet", o->quiet, "No progress lines");
  cmd->callback([o, &exit_code] { exit_code = run_load_command(*o); });
}

}  // namespace userscale::cli
