#include "config/scenario.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/gpu_autoscaler.h"
#include "config/yaml_reader.h"
#include "core/timefmt.h"

namespace userscale::config {
namespace {

void parse_pool(YamlReader& r, const YAML::Node& n, const std::string& path, NodePoolSpec& p,
                bool autoscaled) {
  if (!r.mapping(n, path)) return;
  r.known(n, path,
          {"name", "gpu", "gpus", "count", "min", "max", "costPerHour", "spot",
           "spotInterruptionsPerHour"});
  r.string(n, path, "name", p.name);
  const YAML::Node gpu = n["gpu"];
  const std::string gpath = YamlReader::join(path, "gpu");
  if (r.mapping(gpu, gpath) && gpu) {
    r.known(gpu, gpath, {"model", "speed", "memory"});
    r.string(gpu, gpath, "model", p.gpu_model);
    r.number(gpu, gpath, "speed", p.gpu_speed, 0.0, YamlReader::kNoLimit, true);
    if (r.bytes(gpu, gpath, "memory", p.gpu_memory_bytes) && p.gpu_memory_bytes <= 0.0) {
      r.fail(YamlReader::join(gpath, "memory"), "must be > 0");
    }
  }
  r.integer(n, path, "gpus", p.gpus_per_node, 1, 64);
  r.integer(n, path, "count", p.initial_nodes, 0, 10000);
  p.min_nodes = p.initial_nodes;
  p.max_nodes = p.initial_nodes;
  const bool has_min = r.integer(n, path, "min", p.min_nodes, 0, 10000);
  const bool has_max = r.integer(n, path, "max", p.max_nodes, 0, 10000);
  if (!has_min && !n["min"]) p.min_nodes = autoscaled ? 0 : p.initial_nodes;
  if (has_max && p.max_nodes < p.min_nodes) {
    r.fail(YamlReader::join(path, "max"), "must be >= min (" + std::to_string(p.min_nodes) +
                                              "), got " + std::to_string(p.max_nodes));
  }
  if ((has_min || has_max) && (p.initial_nodes < p.min_nodes || p.initial_nodes > p.max_nodes)) {
    r.fail(YamlReader::join(path, "count"),
           "must be within [min, max] = [" + std::to_string(p.min_nodes) + ", " +
               std::to_string(p.max_nodes) + "], got " + std::to_string(p.initial_nodes));
  }
  r.number(n, path, "costPerHour", p.cost_per_hour, 0.0);
  r.boolean(n, path, "spot", p.spot);
  r.number(n, path, "spotInterruptionsPerHour", p.spot_interruptions_per_hour, 0.0);
}

void parse_cluster(YamlReader& r, const YAML::Node& n, ClusterSpec& c) {
  const std::string path = "cluster";
  if (!n) {
    r.fail(path, "required");
    return;
  }
  if (!r.mapping(n, path)) return;
  r.known(n, path, {"nodes", "sharing", "schedulingDelay", "nodeAutoscaler"});

  const YAML::Node na = n["nodeAutoscaler"];
  const std::string napath = "cluster.nodeAutoscaler";
  if (r.mapping(na, napath) && na) {
    r.known(na, napath,
            {"kind", "provisionDelay", "scanInterval", "emptyNodeTTL", "spotNotice",
             "consolidation", "consolidateAfter"});
    r.choice(na, napath, "kind", c.node_autoscaler.kind,
             {{"none", NodeAutoscalerKind::None},
              {"karpenter", NodeAutoscalerKind::Karpenter},
              {"cluster-autoscaler", NodeAutoscalerKind::ClusterAutoscaler}});
    // The seeds' figures: Karpenter 30-60 s to a ready node, Cluster Autoscaler 1-2 minutes.
    if (c.node_autoscaler.kind == NodeAutoscalerKind::Karpenter) {
      c.node_autoscaler.provision_delay = DistSpec::uniform(30.0, 60.0);
      c.node_autoscaler.scan_interval = 2.0;
    } else if (c.node_autoscaler.kind == NodeAutoscalerKind::ClusterAutoscaler) {
      c.node_autoscaler.provision_delay = DistSpec::uniform(60.0, 120.0);
      c.node_autoscaler.scan_interval = 10.0;
      c.node_autoscaler.consolidate_after = 600.0;  // --scale-down-unneeded-time
    }
    r.dist(na, napath, "provisionDelay", c.node_autoscaler.provision_delay);
    r.seconds(na, napath, "scanInterval", c.node_autoscaler.scan_interval, false);
    r.seconds(na, napath, "emptyNodeTTL", c.node_autoscaler.empty_node_ttl);
    r.seconds(na, napath, "spotNotice", c.node_autoscaler.spot_notice);
    r.boolean(na, napath, "consolidation", c.node_autoscaler.consolidation);
    r.seconds(na, napath, "consolidateAfter", c.node_autoscaler.consolidate_after);
  }
  const bool autoscaled = c.node_autoscaler.kind != NodeAutoscalerKind::None;

  const YAML::Node nodes = n["nodes"];
  if (!nodes) {
    r.fail("cluster.nodes", "required");
  } else if (!nodes.IsSequence() || nodes.size() == 0) {
    r.fail("cluster.nodes", "must be a non-empty list of node pools");
  } else {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      NodePoolSpec pool;
      parse_pool(r, nodes[i], "cluster.nodes[" + std::to_string(i) + "]", pool, autoscaled);
      c.pools.push_back(pool);
    }
  }

  const YAML::Node sh = n["sharing"];
  const std::string spath = "cluster.sharing";
  if (r.mapping(sh, spath) && sh) {
    r.known(sh, spath,
            {"mode", "replicasPerGpu", "switchOverhead", "placement", "migProfile", "migCount"});
    r.choice(sh, spath, "mode", c.sharing.mode,
             {{"exclusive", SharingMode::Exclusive},
              {"timeslice", SharingMode::TimeSlice},
              {"mps", SharingMode::Mps},
              {"mig", SharingMode::Mig}});
    r.integer(sh, spath, "replicasPerGpu", c.sharing.replicas_per_gpu, 1, 1024);
    r.number(sh, spath, "switchOverhead", c.sharing.switch_overhead, 0.0, 0.95);
    r.choice(sh, spath, "placement", c.sharing.placement,
             {{"packed", Placement::Packed},
              {"spread", Placement::Spread},
              {"random", Placement::Random}});
    if (r.string(sh, spath, "migProfile", c.sharing.mig_profile) &&
        !parse_mig_profile(c.sharing.mig_profile)) {
      r.fail(spath + ".migProfile", "must look like \"1g.5gb\" (1-7 compute slices), got \"" +
                                        c.sharing.mig_profile + "\"");
    }
    r.integer(sh, spath, "migCount", c.sharing.mig_count, 0, 7);
    if (c.sharing.mode == SharingMode::Exclusive && c.sharing.replicas_per_gpu != 1 &&
        sh["replicasPerGpu"]) {
      r.fail(spath + ".replicasPerGpu",
             "must be 1 when mode is exclusive, got " + std::to_string(c.sharing.replicas_per_gpu));
    }
    if (c.sharing.mode == SharingMode::Exclusive) c.sharing.replicas_per_gpu = 1;
  }
  r.seconds(n, path, "schedulingDelay", c.scheduling_delay);
}

// `service.profile: FILE` (relative to the scenario's folder): the `service` mapping of a
// workload profile (`userscale calibrate` writes them) under the scenario's own service keys,
// each of which replaces the profile's key of that name whole.
YAML::Node service_with_profile(YamlReader& r, const YAML::Node& n, const std::string& base_dir) {
  if (!n || !n.IsMap() || !n["profile"]) return n;
  std::string file;
  if (!r.string(n, "service", "profile", file)) return n;
  std::filesystem::path p(file);
  if (!base_dir.empty() && p.is_relative()) p = std::filesystem::path(base_dir) / p;
  YAML::Node profile;
  try {
    profile = YAML::LoadFile(p.string());
  } catch (const YAML::Exception& e) {
    r.fail("service.profile", "cannot read " + p.string() + ": " + e.what());
    return n;
  }
  if (!profile.IsMap() || !profile["service"] || !profile["service"].IsMap()) {
    r.fail("service.profile", p.string() + " has no `service` mapping");
    return n;
  }
  YAML::Node merged = YAML::Clone(profile["service"]);
  merged.remove("profile");
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    if (key != "profile") merged[key] = kv.second;
  }
  return merged;
}

void parse_service(YamlReader& r, const YAML::Node& n, ServiceSpec& s) {
  const std::string path = "service";
  if (!n) {
    r.fail(path, "required");
    return;
  }
  if (!r.mapping(n, path)) return;
  r.known(
      n, path,
      {"profile", "name", "workload", "cpuCost", "gpuCost", "gpuOccupancy", "gpuStreams", "memory",
       "cpu", "concurrency", "queue", "timeout", "failureProbability", "loadBalancing", "startup",
       "terminationGrace", "restartBackoff", "initialReplicas", "llm"});
  std::string workload = "sort";
  if (r.string(n, path, "workload", workload)) {
    auto profile = workload_profile(workload);
    if (!profile) {
      r.fail(path + ".workload",
             "must be one of sort, convolution, matmul, inference, stream, busy, llm, got \"" + workload +
                 "\"");
    } else {
      s = *profile;
    }
  } else {
    s = *workload_profile("sort");
  }
  r.string(n, path, "name", s.name);
  r.dist(n, path, "cpuCost", s.cpu_cost);
  r.dist(n, path, "gpuCost", s.gpu_cost);
  r.number(n, path, "gpuOccupancy", s.gpu_occupancy, 0.0, 1.0, true);
  r.integer(n, path, "gpuStreams", s.gpu_streams, 0);
  const YAML::Node mem = n["memory"];
  if (r.mapping(mem, path + ".memory") && mem) {
    r.known(mem, path + ".memory", {"base", "perRequest"});
    r.bytes(mem, path + ".memory", "base", s.memory_base_bytes);
    r.bytes(mem, path + ".memory", "perRequest", s.memory_per_request_bytes);
  }
  const YAML::Node cpu = n["cpu"];
  const std::string cpath = path + ".cpu";
  if (r.mapping(cpu, cpath) && cpu) {
    r.known(cpu, cpath, {"request", "limit", "idle", "perGpuWait"});
    if (r.cores(cpu, cpath, "request", s.cpu_request_cores) && s.cpu_request_cores <= 0.0) {
      r.fail(cpath + ".request", "must be > 0");
    }
    if (r.cores(cpu, cpath, "limit", s.cpu_limit_cores) && s.cpu_limit_cores <= 0.0) {
      r.fail(cpath + ".limit", "must be > 0");
    }
    r.cores(cpu, cpath, "idle", s.cpu_idle_cores);
    r.cores(cpu, cpath, "perGpuWait", s.cpu_cores_per_gpu_wait);
  }
  r.integer(n, path, "concurrency", s.concurrency, 0);
  r.integer(n, path, "queue", s.queue_capacity, -1);
  r.seconds(n, path, "timeout", s.timeout);
  r.number(n, path, "failureProbability", s.failure_probability, 0.0, 1.0);
  r.choice(n, path, "loadBalancing", s.load_balancing,
           {{"round-robin", LoadBalancing::RoundRobin},
            {"random", LoadBalancing::Random},
            {"least-outstanding", LoadBalancing::LeastOutstanding}});
  const YAML::Node st = n["startup"];
  const std::string stpath = path + ".startup";
  if (r.mapping(st, stpath) && st) {
    r.known(st, stpath, {"imagePull", "cudaInit", "modelLoad", "readinessDelay"});
    r.dist(st, stpath, "imagePull", s.startup.image_pull);
    r.dist(st, stpath, "cudaInit", s.startup.cuda_init);
    r.dist(st, stpath, "modelLoad", s.startup.model_load);
    r.seconds(st, stpath, "readinessDelay", s.startup.readiness_delay);
  }
  r.seconds(n, path, "terminationGrace", s.termination_grace);
  const YAML::Node rb = n["restartBackoff"];
  if (r.mapping(rb, path + ".restartBackoff") && rb) {
    r.known(rb, path + ".restartBackoff", {"initial", "max"});
    r.seconds(rb, path + ".restartBackoff", "initial", s.restart_backoff_initial);
    r.seconds(rb, path + ".restartBackoff", "max", s.restart_backoff_max);
  }
  r.integer(n, path, "initialReplicas", s.initial_replicas, 0, 100000);
  const YAML::Node llm = n["llm"];
  const std::string lpath = path + ".llm";
  if (r.mapping(llm, lpath) && llm) {
    if (!s.llm) s.llm = LlmSpec{};
    r.known(llm, lpath,
            {"prefillSecondsPerToken", "decodeSecondsPerStep", "maxBatch", "kvBytesPerToken",
             "inputTokens", "outputTokens"});
    r.number(llm, lpath, "prefillSecondsPerToken", s.llm->prefill_seconds_per_token, 0.0);
    r.number(llm, lpath, "decodeSecondsPerStep", s.llm->decode_seconds_per_step, 0.0);
    r.integer(llm, lpath, "maxBatch", s.llm->max_batch, 1, 100000);
    r.bytes(llm, lpath, "kvBytesPerToken", s.llm->kv_bytes_per_token);
    r.dist(llm, lpath, "inputTokens", s.llm->input_tokens);
    r.dist(llm, lpath, "outputTokens", s.llm->output_tokens);
  }
}

void parse_load(YamlReader& r, const YAML::Node& n, LoadSpec& l, const std::string& base_dir) {
  const std::string path = "load";
  if (!n) {
    r.fail(path, "required");
    return;
  }
  if (!r.mapping(n, path)) return;
  r.known(n, path,
          {"kind", "users", "think", "rampUp", "process", "rate", "fromRate", "toRate", "start",
           "length", "peakRate", "period", "repeat", "amplitude", "phase", "trace"});
  if (!n["kind"]) r.fail(path + ".kind", "required");
  r.choice(n, path, "kind", l.kind,
           {{"closed", LoadKind::Closed},
            {"constant", LoadKind::Constant},
            {"poisson", LoadKind::Poisson},
            {"ramp", LoadKind::Ramp},
            {"burst", LoadKind::Burst},
            {"spike", LoadKind::Spike},
            {"diurnal", LoadKind::Diurnal},
            {"trace", LoadKind::Trace}});
  if (l.kind == LoadKind::Constant) l.process = ArrivalProcess::Uniform;
  r.integer(n, path, "users", l.users, 0, 10000000);
  r.dist(n, path, "think", l.think);
  r.seconds(n, path, "rampUp", l.ramp_up);
  r.choice(n, path, "process", l.process,
           {{"poisson", ArrivalProcess::Poisson}, {"uniform", ArrivalProcess::Uniform}});
  r.number(n, path, "rate", l.rate, 0.0);
  r.number(n, path, "fromRate", l.from_rate, 0.0);
  r.number(n, path, "toRate", l.to_rate, 0.0);
  r.seconds(n, path, "start", l.start);
  r.seconds(n, path, "length", l.length);
  r.number(n, path, "peakRate", l.peak_rate, 0.0);
  r.seconds(n, path, "period", l.period, false);
  r.boolean(n, path, "repeat", l.repeat);
  r.number(n, path, "amplitude", l.amplitude, 0.0, 1.0);
  r.seconds(n, path, "phase", l.phase);
  const YAML::Node tr = n["trace"];
  const std::string tpath = path + ".trace";
  if (l.kind == LoadKind::Trace && !tr) r.fail(tpath, "required when kind is trace");
  if (r.mapping(tr, tpath) && tr) {
    r.known(tr, tpath, {"path", "timeScale", "rateScale", "offset"});
    if (!r.string(tr, tpath, "path", l.trace_path)) {
      if (!tr["path"]) r.fail(tpath + ".path", "required");
    } else if (!base_dir.empty() && !std::filesystem::path(l.trace_path).is_absolute()) {
      l.trace_path = (std::filesystem::path(base_dir) / l.trace_path).lexically_normal().string();
    }
    r.number(tr, tpath, "timeScale", l.time_scale, 0.0, YamlReader::kNoLimit, true);
    r.number(tr, tpath, "rateScale", l.rate_scale, 0.0, YamlReader::kNoLimit, true);
    r.seconds(tr, tpath, "offset", l.trace_offset);
  }
}

void parse_metrics(YamlReader& r, const YAML::Node& n, MetricsPipelineSpec& m) {
  const std::string path = "metrics";
  if (!r.mapping(n, path) || !n) return;
  r.known(n, path, {"metricsServer", "prometheus", "dcgm"});
  const YAML::Node ms = n["metricsServer"];
  if (r.mapping(ms, path + ".metricsServer") && ms) {
    r.known(ms, path + ".metricsServer", {"resolution", "window"});
    r.seconds(ms, path + ".metricsServer", "resolution", m.metrics_server_resolution, false);
    r.seconds(ms, path + ".metricsServer", "window", m.metrics_server_window, false);
  }
  const YAML::Node pr = n["prometheus"];
  if (r.mapping(pr, path + ".prometheus") && pr) {
    r.known(pr, path + ".prometheus", {"scrapeInterval", "rateWindow"});
    r.seconds(pr, path + ".prometheus", "scrapeInterval", m.scrape_interval, false);
    r.seconds(pr, path + ".prometheus", "rateWindow", m.rate_window, false);
  }
  const YAML::Node dc = n["dcgm"];
  if (r.mapping(dc, path + ".dcgm") && dc) {
    r.known(dc, path + ".dcgm", {"interval"});
    r.seconds(dc, path + ".dcgm", "interval", m.dcgm_interval, false);
  }
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error{"scenario", "not valid YAML: " + std::string(e.what())};
  }
  if (!root || !root.IsMap()) return Error{"scenario", "must be a YAML mapping"};
  YamlReader r;
  Scenario sc;
  r.known(root, "",
          {"name", "description", "duration", "seed", "samplePeriod", "startTime", "cluster",
           "service", "load", "metrics", "slo", "autoscaler", "hpa"});
  r.string(root, "", "name", sc.name);
  r.string(root, "", "description", sc.description);
  if (!root["duration"]) r.fail("duration", "required");
  r.seconds(root, "", "duration", sc.duration, false);
  r.uint64(root, "", "seed", sc.seed);
  r.seconds(root, "", "samplePeriod", sc.sample_period, false);
  std::string start;
  if (r.string(root, "", "startTime", start)) {
    if (auto t = parse_rfc3339(start)) {
      sc.start_time = *t;
    } else {
      r.fail("startTime", "must be an RFC 3339 time, got \"" + start + "\"");
    }
  }
  parse_cluster(r, root["cluster"], sc.cluster);
  parse_service(r, service_with_profile(r, root["service"], base_dir), sc.service);
  parse_load(r, root["load"], sc.load, base_dir);
  parse_metrics(r, root["metrics"], sc.metrics);
  const YAML::Node slo = root["slo"];
  if (r.mapping(slo, "slo") && slo) {
    r.known(slo, "slo", {"latencyMs"});
    r.number(slo, "slo", "latencyMs", sc.slo.latency_ms, 0.0, YamlReader::kNoLimit, true);
  }
  if (!root["autoscaler"]) {
    r.fail("autoscaler", "required");
  } else {
    // The embedded GPUAutoscaler resource, validated by the one GPUAutoscaler parser.
    auto parsed = parse_gpu_autoscaler(root["autoscaler"], "autoscaler");
    if (parsed.ok()) {
      sc.autoscaler = parsed->spec;
    } else {
      for (const Error& e : parsed.errors()) r.errors.push_back(e.to_string());
    }
  }
  const YAML::Node hpa = root["hpa"];
  if (r.mapping(hpa, "hpa") && hpa) {
    r.known(hpa, "hpa",
            {"tolerance", "cpuInitializationPeriod", "initialReadinessDelay",
             "downscaleStabilizationWindow"});
    r.number(hpa, "hpa", "tolerance", sc.hpa.tolerance, 0.0, 1.0);
    r.seconds(hpa, "hpa", "cpuInitializationPeriod", sc.hpa.cpu_initialization_period);
    r.seconds(hpa, "hpa", "initialReadinessDelay", sc.hpa.initial_readiness_delay);
    r.seconds(hpa, "hpa", "downscaleStabilizationWindow", sc.hpa.downscale_stabilization_window);
  }
  if (!r.errors.empty()) {
    std::string all;
    for (const auto& e : r.errors) all += (all.empty() ? "" : "\n") + e;
    return Error{"", all};
  }
  return sc;
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path, "cannot open the scenario file"};
  std::ostringstream buf;
  buf << in.rdbuf();
  auto sc = parse_scenario(buf.str(), std::filesystem::path(path).parent_path().string());
  if (!sc.ok()) return Error{path, sc.error().message};
  return sc;
}

}  // namespace userscale::config
