#include "experiment/live_load.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/arrivals.h"
#include "sim/rng.h"

namespace userscale::experiment {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

config::Scenario time_scaled(const config::Scenario& sc, double time_scale) {
  config::Scenario out = sc;
  if (time_scale == 1.0) return out;
  out.duration *= time_scale;
  out.sample_period *= time_scale;
  config::LoadSpec& l = out.load;
  l.ramp_up *= time_scale;
  l.start *= time_scale;
  l.length *= time_scale;
  l.period *= time_scale;
  l.phase *= time_scale;
  l.time_scale *= time_scale;
  return out;
}

std::string endpoint_for_workload(const std::string& workload) {
  if (workload == "convolution") return "convolve";
  if (workload == "matmul") return "matrix";
  if (workload == "inference") return "infer";
  if (workload == "sort" || workload == "stream") return workload;
  return "gpu_job";  // busy, and llm (no token model live)
}

Result<LiveLoad> live_load(const config::Scenario& sc, const config::Trace* trace,
                           const std::string& trace_file) {
  LiveLoad out;
  out.args = {"--endpoint-mix", endpoint_for_workload(sc.service.workload) + ":1",
              "--seed",         std::to_string(sc.seed),
              "--duration",     number(sc.duration)};
  if (sc.service.workload == "busy") {
    // /gpu_job's length is the scenario's GPU cost per request, as the simulator models it.
    const double ms = std::max(1.0, std::round(sc.service.gpu_cost.mean() * 1000.0));
    out.args.insert(out.args.end(), {"--work-ms", number(ms)});
  }
  if (sc.service.timeout > 0.0) {
    out.args.insert(out.args.end(), {"--timeout-s", number(sc.service.timeout)});
  }
  if (sc.load.kind == config::LoadKind::Closed) {
    if (sc.load.users < 1) return Error{"load.users", "a live closed loop needs at least 1 user"};
    out.args.insert(out.args.end(), {"--workers", std::to_string(sc.load.users), "--think-ms",
                                     number(sc.load.think.mean() * 1000.0)});
    return out;
  }
  if (sc.load.kind == config::LoadKind::Trace && trace == nullptr) {
    return Error{"load.trace", "the scenario replays a trace that was not loaded"};
  }
  // The simulator's arrival stream is the fifth split of the scenario's seed (sim/world.cpp):
  // the same seed gives the same arrival times here.
  sim::Rng root(sc.seed);
  for (int i = 0; i < 4; ++i) root.split();
  sim::ArrivalStream stream(sc.load, trace, root.split());
  out.trace_csv = "t_s,input_tokens,output_tokens\n";
  char line[48];
  for (sim::Arrival a = stream.next(); a.time < sc.duration; a = stream.next()) {
    std::snprintf(line, sizeof line, "%.6f,,\n", a.time);
    out.trace_csv += line;
    ++out.scheduled;
  }
  out.args.insert(out.args.end(), {"--scenario", "trace", "--trace", trace_file});
  return out;
}

}  // namespace userscale::experiment
