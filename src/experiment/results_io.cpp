#include "experiment/results_io.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/report_files.h"

namespace userscale::experiment {
namespace {

// Fixed formatting, the same bytes on every platform for the same values.
std::string num(double v, const char* format = "%.6g") {
  char buf[40];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_value(const Row& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return num(v.get<double>(), "%.10g");
  return csv_field(v.dump());
}

void flatten(const Row& node, const std::string& prefix,
             std::vector<std::pair<std::string, const Row*>>& out) {
  for (const auto& [key, value] : node.items()) {
    const std::string name = prefix.empty() ? key : prefix + "_" + key;
    if (value.is_object()) {
      flatten(value, name, out);
    } else {
      out.emplace_back(name, &value);
    }
  }
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

}  // namespace

Status write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{path, "cannot write"};
  out << text;
  out.close();
  if (!out) return Error{path, "writing failed"};
  return ok_status();
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path, "cannot read"};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string summary_json_text(const Results& results) {
  Row rows = Row::array();
  for (const Row& r : results.rows) rows.push_back(r);
  return rows.dump(2) + "\n";
}

std::string summary_csv_text(const Results& results) {
  std::vector<std::string> columns;
  std::vector<std::vector<std::pair<std::string, const Row*>>> flat;
  for (const Row& r : results.rows) {
    flat.emplace_back();
    flatten(r, "", flat.back());
    for (const auto& [name, value] : flat.back()) {
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
    }
  }
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + csv_field(columns[c]);
  out += "\n";
  for (const auto& fields : flat) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ",";
      for (const auto& [name, value] : fields) {
        if (name == columns[c]) {
          out += csv_value(*value);
          break;
        }
      }
    }
    out += "\n";
  }
  return out;
}

std::string timeline_csv_text(const std::vector<sim::TimelineRow>& rows, int gpu_columns) {
  std::ostringstream out;
  out << "t_s,desired,ready,pods,pending,nodes,cpu_cores,in_flight,queued,"
         "latency_p50_ms,latency_p95_ms,latency_p99_ms,arrivals_rps,throughput_rps,"
         "failures_rps,gpu_util_mean";
  for (int i = 0; i < gpu_columns; ++i) out << ",gpu" << i << "_util";
  out << "\n";
  for (const auto& r : rows) {
    double mean = 0.0;
    for (double u : r.gpu_util) mean += u;
    if (!r.gpu_util.empty()) mean /= static_cast<double>(r.gpu_util.size());
    out << num(r.t) << ',' << r.desired << ',' << r.ready << ',' << r.pods << ',' << r.pending
        << ',' << r.nodes << ',' << num(r.cpu_cores) << ',' << r.in_flight << ',' << r.queued << ','
        << num(r.latency_p50_ms) << ',' << num(r.latency_p95_ms) << ',' << num(r.latency_p99_ms)
        << ',' << num(r.arrivals_rps) << ',' << num(r.throughput_rps) << ',' << num(r.failures_rps)
        << ',' << num(mean);
    for (int i = 0; i < gpu_columns; ++i) {
      const auto k = static_cast<std::size_t>(i);
      out << ',' << num(k < r.gpu_util.size() ? r.gpu_util[k] : 0.0);
    }
    out << "\n";
  }
  return out.str();
}

Result<std::vector<sim::TimelineRow>> parse_timeline_csv(const std::string& text,
                                                         const std::string& name) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return Error{name, "empty timeline"};
  const std::vector<std::string> header = split_csv_line(line);
  auto column = [&](const std::string& col) -> int {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == col) return static_cast<int>(i);
    }
    return -1;
  };
  std::vector<std::pair<int, int>> gpu_columns;  // (gpu index, csv column)
  for (std::size_t i = 0; i < header.size(); ++i) {
    int g = 0;
    char tail[8] = {0};
    if (std::sscanf(header[i].c_str(), "gpu%d_%7s", &g, tail) == 2 && std::string(tail) == "util") {
      gpu_columns.emplace_back(g, static_cast<int>(i));
    }
  }
  const int t_col = column("t_s");
  if (t_col < 0) return Error{name, "no t_s column"};
  std::vector<sim::TimelineRow> rows;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv_line(line);
    if (f.size() != header.size()) {
      return Error{
          name + ":" + std::to_string(line_no),
          "expected " + std::to_string(header.size()) + " fields, got " + std::to_string(f.size())};
    }
    bool bad = false;
    auto get = [&](const char* col) -> double {
      const int c = column(col);
      if (c < 0) return 0.0;
      char* end = nullptr;
      const std::string& s = f[static_cast<std::size_t>(c)];
      const double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end == nullptr || *end != '\0') bad = true;
      return v;
    };
    sim::TimelineRow r;
    r.t = get("t_s");
    r.desired = static_cast<std::int32_t>(get("desired"));
    r.ready = static_cast<std::int32_t>(get("ready"));
    r.pods = static_cast<std::int32_t>(get("pods"));
    r.pending = static_cast<std::int32_t>(get("pending"));
    r.nodes = static_cast<std::int32_t>(get("nodes"));
    r.cpu_cores = get("cpu_cores");
    r.in_flight = static_cast<std::int32_t>(get("in_flight"));
    r.queued = static_cast<std::int32_t>(get("queued"));
    r.latency_p50_ms = get("latency_p50_ms");
    r.latency_p95_ms = get("latency_p95_ms");
    r.latency_p99_ms = get("latency_p99_ms");
    r.arrivals_rps = get("arrivals_rps");
    r.throughput_rps = get("throughput_rps");
    r.failures_rps = get("failures_rps");
    for (const auto& [g, c] : gpu_columns) {
      if (g < 0 || g > 4096) continue;
      const auto k = static_cast<std::size_t>(g);
      if (r.gpu_util.size() <= k) r.gpu_util.resize(k + 1, 0.0);
      char* end = nullptr;
      const std::string& s = f[static_cast<std::size_t>(c)];
      r.gpu_util[k] = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') bad = true;
    }
    if (bad) return Error{name + ":" + std::to_string(line_no), "a field is not a number"};
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      fields.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  fields.push_back(cur);
  return fields;
}

std::string timeline_path(const std::string& dir, const std::string& scenario,
                          const std::string& policy, std::uint64_t seed) {
  return (std::filesystem::path(dir) / "timelines" / file_safe(scenario) / file_safe(policy) /
          ("seed-" + std::to_string(seed) + ".csv"))
      .string();
}

Status write_results(const std::string& dir, const Results& results, const Suite& suite,
                     const std::vector<RunOutcome>& outcomes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir, "cannot create the output directory: " + ec.message()};
  if (auto st = write_text_file(dir + "/summary.json", summary_json_text(results)); !st.ok()) {
    return st;
  }
  if (auto st = write_text_file(dir + "/summary.csv", summary_csv_text(results)); !st.ok()) {
    return st;
  }
  if (auto st = write_text_file(dir + "/experiment.json", info_json(results.info).dump(2) + "\n");
      !st.ok()) {
    return st;
  }
  for (const RunOutcome& o : outcomes) {
    if (!o.finished || o.error) continue;
    const ScenarioEntry& s = suite.scenarios[o.spec.scenario];
    const std::string path =
        timeline_path(dir, s.scenario.name, suite.policies[o.spec.policy].label, o.spec.seed);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) return Error{path, "cannot create the folder: " + ec.message()};
    const int columns = sim::timeline_gpu_columns(s.scenario);
    if (auto st = write_text_file(path, timeline_csv_text(o.trace.timeline, columns)); !st.ok()) {
      return st;
    }
  }
  return ok_status();
}

Result<Results> read_results(const std::string& dir) {
  auto summary = read_text_file(dir + "/summary.json");
  if (!summary.ok()) return Error{dir + "/summary.json", "cannot read (is this a results folder?)"};
  auto info_text = read_text_file(dir + "/experiment.json");
  if (!info_text.ok()) return Error{dir + "/experiment.json", "cannot read"};
  Results results;
  try {
    const Row rows = Row::parse(*summary);
    if (!rows.is_array()) return Error{dir + "/summary.json", "must be a list of rows"};
    for (const Row& r : rows) {
      if (!r.is_object() || !r.contains("scenario") || !r.contains("policy") ||
          !r.contains("seed")) {
        return Error{dir + "/summary.json", "every row needs scenario, policy and seed"};
      }
      results.rows.push_back(r);
    }
    auto info = info_from_json(nlohmann::ordered_json::parse(*info_text));
    if (!info.ok()) return Error{dir + "/experiment.json", info.error().message};
    results.info = std::move(info).value();
  } catch (const nlohmann::json::exception& e) {
    return Error{dir, std::string("not valid JSON: ") + e.what()};
  }
  return results;
}

}  // namespace userscale::experiment
