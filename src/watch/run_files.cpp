#include "watch/run_files.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "experiment/results_io.h"

namespace userscale::watch {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string(), "cannot read"};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string json_string(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> json_number(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Result<std::vector<TimelinePoint>> read_timeline(const fs::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_timeline(*text, path.string());
}

// A simulate folder: the target's name comes from its decision records, else the scenario.
Result<ReplayRun> load_simulate_dir(const fs::path& dir, const std::string& name) {
  ReplayRun run;
  auto rows = read_timeline(dir / "timeline.csv");
  if (!rows.ok()) return rows.error();
  run.rows = std::move(rows).value();
  std::string service;
  if (fs::exists(dir / "events.jsonl")) {
    auto text = read_file(dir / "events.jsonl");
    if (!text.ok()) return text.error();
    auto decisions = parse_events(*text, (dir / "events.jsonl").string());
    if (!decisions.ok()) return decisions.error();
    run.decisions = std::move(decisions).value();
    std::istringstream in(*text);
    std::string first;
    if (std::getline(in, first)) {
      json j = json::parse(first, nullptr, false);
      if (j.is_object()) service = json_string(j, "target");
    }
  }
  if (fs::exists(dir / "summary.json")) {
    auto text = read_file(dir / "summary.json");
    if (!text.ok()) return text.error();
    json j = json::parse(*text, nullptr, false);
    if (!j.is_object()) return Error{(dir / "summary.json").string(), "not a JSON object"};
    run.policy = json_string(j, "policy");
    run.slo_ms = json_number(j, "slo_latency_ms");
    if (service.empty()) service = json_string(j, "scenario");
  }
  run.name = name.empty() ? (service.empty() ? dir.filename().string() : service) : name;
  return run;
}

Result<std::vector<ReplayRun>> load_experiment_dir(const fs::path& dir) {
  std::map<std::string, json> rows_by_path;  // its timeline file -> summary row
  if (auto text = read_file(dir / "summary.json"); text.ok()) {
    json rows = json::parse(*text, nullptr, false);
    if (rows.is_array()) {
      for (const json& r : rows) {
        if (!r.is_object() || !r.contains("seed") || !r["seed"].is_number()) continue;
        const fs::path file =
            experiment::timeline_path(dir.string(), json_string(r, "scenario"),
                                      json_string(r, "policy"), r["seed"].get<std::uint64_t>());
        rows_by_path[file.lexically_normal().string()] = r;
      }
    }
  }
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir / "timelines", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".csv") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ReplayRun> runs;
  for (const fs::path& f : files) {
    ReplayRun run;
    fs::path rel = fs::relative(f, dir / "timelines");
    rel.replace_extension();
    run.name = rel.generic_string();
    auto rows = read_timeline(f);
    if (!rows.ok()) return rows.error();
    run.rows = std::move(rows).value();
    if (auto r = rows_by_path.find(f.lexically_normal().string()); r != rows_by_path.end()) {
      run.policy = json_string(r->second, "policy_name");
      if (run.policy.empty()) run.policy = json_string(r->second, "policy");
      run.slo_ms = json_number(r->second, "slo_latency_ms");
    } else {
      run.policy = rel.parent_path().filename().string();
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace

Result<std::vector<TimelinePoint>> parse_timeline(const std::string& csv_text,
                                                  const std::string& name) {
  std::istringstream in(csv_text);
  std::string line;
  if (!std::getline(in, line)) return Error{name, "empty timeline"};
  const std::vector<std::string> header = experiment::split_csv_line(line);
  std::map<std::string, std::size_t> col;
  std::vector<std::pair<std::size_t, std::size_t>> gpu_cols;  // (gpu index, column)
  for (std::size_t i = 0; i < header.size(); ++i) {
    col[header[i]] = i;
    unsigned g = 0;
    char tail[8] = {0};
    if (std::sscanf(header[i].c_str(), "gpu%u_%7s", &g, tail) == 2 && std::string(tail) == "util" &&
        g < 4096) {
      gpu_cols.emplace_back(g, i);
    }
  }
  if (col.count("t_s") == 0) return Error{name, "no t_s column (is this a timeline.csv?)"};
  std::vector<TimelinePoint> rows;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> f = experiment::split_csv_line(line);
    const std::string where = name + ":" + std::to_string(line_no);
    if (f.size() != header.size()) {
      return Error{where, "expected " + std::to_string(header.size()) + " fields, got " +
                              std::to_string(f.size())};
    }
    bool bad = false;
    auto number = [&](std::size_t c) {
      char* end = nullptr;
      const double v = std::strtod(f[c].c_str(), &end);
      if (f[c].empty() || *end != '\0') bad = true;
      return v;
    };
    auto get = [&](const char* c) { return col.count(c) ? number(col[c]) : 0.0; };
    TimelinePoint p;
    p.t = get("t_s");
    p.desired = static_cast<int>(get("desired"));
    p.ready = static_cast<int>(get("ready"));
    p.pods = static_cast<int>(get("pods"));
    p.pending = static_cast<int>(get("pending"));
    p.nodes = static_cast<int>(get("nodes"));
    p.in_flight = get("in_flight");
    p.queued = get("queued");
    p.latency_p50_ms = get("latency_p50_ms");
    p.latency_p95_ms = get("latency_p95_ms");
    p.latency_p99_ms = get("latency_p99_ms");
    p.arrivals_rps = get("arrivals_rps");
    p.throughput_rps = get("throughput_rps");
    for (const auto& [g, c] : gpu_cols) {
      if (p.gpu_util.size() <= g) p.gpu_util.resize(g + 1, 0.0);
      p.gpu_util[g] = number(c);
    }
    if (bad) return Error{where, "a field is not a number"};
    rows.push_back(std::move(p));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TimelinePoint& a, const TimelinePoint& b) { return a.t < b.t; });
  return rows;
}

Result<std::vector<ReplayDecision>> parse_events(const std::string& jsonl_text,
                                                 const std::string& name) {
  std::vector<ReplayDecision> out;
  std::istringstream in(jsonl_text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    json j = json::parse(line, nullptr, false);
    const std::string where = name + ":" + std::to_string(line_no);
    if (!j.is_object()) return Error{where, "not a JSON object"};
    auto t = json_number(j, "t");
    if (!t) return Error{where, "no simulated time \"t\""};
    out.push_back(ReplayDecision{*t, json_string(j, "human")});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ReplayDecision& a, const ReplayDecision& b) { return a.t < b.t; });
  return out;
}

Result<std::vector<ReplayRun>> load_runs(const std::string& dir_text) {
  const fs::path dir(dir_text);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{dir_text, "not a folder"};
  if (fs::exists(dir / "timeline.csv")) {
    auto run = load_simulate_dir(dir, "");
    if (!run.ok()) return run.error();
    return std::vector<ReplayRun>{std::move(run).value()};
  }
  if (fs::exists(dir / "experiment.json") && fs::is_directory(dir / "timelines")) {
    auto runs = load_experiment_dir(dir);
    if (!runs.ok()) return runs.error();
    if (!runs->empty()) return runs;
  }
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename() == "timeline.csv") {
      found.push_back(it->path().parent_path());
    }
  }
  std::sort(found.begin(), found.end());
  if (found.empty()) {
    return Error{dir_text,
                 "no timeline.csv found (expected the --out folder of `userscale simulate` or "
                 "`userscale experiment`)"};
  }
  std::vector<ReplayRun> runs;
  for (const fs::path& d : found) {
    auto run = load_simulate_dir(d, fs::relative(d, dir).generic_string());
    if (!run.ok()) return run.error();
    runs.push_back(std::move(run).value());
  }
  return runs;
}

}  // namespace userscale::watch
