#include "watch/snapshot_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace userscale::watch {
namespace {

using nlohmann::json;

std::optional<double> opt_number(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> opt_int(const json& obj, const char* key) {
  auto v = opt_number(obj, key);
  if (!v || std::fabs(*v) > 1e9) return std::nullopt;
  return static_cast<int>(std::lround(*v));
}

std::string opt_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// The elements of an array field that are objects; anything else reads as empty.
std::vector<const json*> objects(const json& obj, const char* key) {
  std::vector<const json*> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const json& e : *it) {
    if (e.is_object()) out.push_back(&e);
  }
  return out;
}

PodView parse_pod(const json& j) {
  PodView p;
  p.name = opt_string(j, "name");
  p.phase = opt_string(j, "phase");
  p.age_seconds = opt_number(j, "age_seconds");
  p.gpu = opt_string(j, "gpu");
  return p;
}

GpuView parse_gpu(const json& j) {
  GpuView g;
  g.uuid = opt_string(j, "uuid");
  g.model = opt_string(j, "model");
  g.utilization = opt_number(j, "utilization");
  g.memory_used_bytes = opt_number(j, "memory_used_bytes");
  g.memory_total_bytes = opt_number(j, "memory_total_bytes");
  auto it = j.find("pods");
  if (it != j.end() && it->is_array()) {
    std::vector<std::string> pods;
    for (const json& p : *it) {
      if (p.is_string()) pods.push_back(p.get<std::string>());
    }
    g.pods = std::move(pods);
  }
  return g;
}

ServiceView parse_service(const json& j) {
  ServiceView s;
  s.arrival_rps = opt_number(j, "arrival_rps");
  s.throughput_rps = opt_number(j, "throughput_rps");
  s.in_flight = opt_number(j, "in_flight");
  s.queued = opt_number(j, "queued");
  s.latency_p50_ms = opt_number(j, "latency_p50_ms");
  s.latency_p95_ms = opt_number(j, "latency_p95_ms");
  s.latency_p99_ms = opt_number(j, "latency_p99_ms");
  s.slo_ms = opt_number(j, "slo_ms");
  return s;
}

TargetView parse_target(const json& j) {
  TargetView t;
  t.name = opt_string(j, "name");
  t.policy = opt_string(j, "policy");
  t.min = opt_int(j, "min");
  t.max = opt_int(j, "max");
  t.desired = opt_int(j, "desired");
  t.current = opt_int(j, "current");
  t.ready = opt_int(j, "ready");
  for (const json* p : objects(j, "pods")) t.pods.push_back(parse_pod(*p));
  for (const json* g : objects(j, "gpus")) t.gpus.push_back(parse_gpu(*g));
  if (auto it = j.find("service"); it != j.end() && it->is_object()) {
    t.service = parse_service(*it);
  }
  for (const json* d : objects(j, "decisions")) {
    t.decisions.push_back(DecisionLine{opt_number(*d, "time"), opt_string(*d, "line")});
  }
  return t;
}

Result<json> parse_object(std::string_view text, const char* what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{what, "not valid JSON"};
  if (!j.is_object()) return Error{what, "expected a JSON object"};
  return j;
}

}  // namespace

Result<Snapshot> parse_snapshot(std::string_view json_text) {
  auto parsed = parse_object(json_text, "snapshot");
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  Snapshot s;
  s.source = opt_string(j, "source");
  s.time = opt_number(j, "time");
  if (auto it = j.find("targets"); it != j.end() && !it->is_array() && !it->is_null()) {
    return Error{"snapshot.targets", "expected a list"};
  }
  for (const json* t : objects(j, "targets")) s.targets.push_back(parse_target(*t));
  return s;
}

Result<DecisionsPage> parse_decisions_page(std::string_view json_text) {
  auto parsed = parse_object(json_text, "decisions");
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  DecisionsPage page;
  if (auto next = opt_number(j, "next")) page.next = static_cast<long long>(*next);
  if (auto it = j.find("records"); it != j.end() && !it->is_array() && !it->is_null()) {
    return Error{"decisions.records", "expected a list"};
  }
  for (const json* r : objects(j, "records")) {
    DecisionRecordLine rec;
    auto seq = opt_number(*r, "seq");
    if (!seq) continue;  // without a sequence number the cursor cannot move past it
    rec.seq = static_cast<long long>(*seq);
    rec.target = opt_string(*r, "target");
    rec.time = opt_number(*r, "time");
    rec.line = opt_string(*r, "line");
    if (rec.line.empty()) {
      // The contract names `line`; a record without it still has its human line inside.
      if (auto it = r->find("record"); it != r->end() && it->is_object()) {
        rec.line = opt_string(*it, "human");
      }
    }
    page.records.push_back(std::move(rec));
  }
  return page;
}

}  // namespace userscale::watch
