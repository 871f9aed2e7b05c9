#include "config/kpa_case.h"

#include <cmath>
#include <limits>

#include "config/closest_name.h"
#include "config/json_reader.h"
#include "core/policies/kpa/decider.h"
#include "core/policies/kpa/decider_spec.h"
#include "core/policies/kpa/decision_text.h"

namespace userscale::config {
namespace {

using nlohmann::json;

// Knobs fixed when the decider and its windows are created (kpa-cases.md, `configUpdate`).
constexpr std::string_view kFixedKnobs[] = {
    "scale-down-delay", "stable-window", "panic-window-percentage", "metric-aggregation-algorithm"};

// Field paths are built the same way as in every JSON input (config/json_reader.h).
std::string at(const std::string& parent, const std::string& key) {
  return join_path(parent, key);
}
std::string at(const std::string& parent, std::size_t i) {
  return index_path(parent, i);
}

std::string type_of(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number " + j.dump();
    default:
      return "value";
  }
}

// Reads of one case; the first error wins and later reads are skipped.
class CaseReader {
 public:
  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }
  void fail(std::string path, std::string message) {
    if (!error_) error_ = Error{std::move(path), std::move(message)};
  }

  std::optional<std::string> string(const json& obj, const std::string& path,
                                    const std::string& key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(at(path, key), "missing (string)");
      return std::nullopt;
    }
    if (!it->is_string()) {
      fail(at(path, key), "expected string, got " + type_of(*it));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<double> number(const json& v, const std::string& path, double min,
                               const char* range_text) {
    if (!v.is_number()) {
      fail(path, std::string("expected number (") + range_text + "), got " + type_of(v));
      return std::nullopt;
    }
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < min) {
      fail(path, std::string("must be ") + range_text + ", got " + kpa::format_number(d));
      return std::nullopt;
    }
    return d;
  }

  // An integer >= 0 or null. `present` tells a null apart from a missing member.
  std::optional<std::int32_t> count_or_null(const json& v, const std::string& path) {
    if (v.is_null()) return std::nullopt;
    if (!v.is_number() || !std::isfinite(v.get<double>()) ||
        std::floor(v.get<double>()) != v.get<double>()) {
      fail(path, "expected integer >= 0 or null, got " + type_of(v));
      return std::nullopt;
    }
    const double d = v.get<double>();
    if (d < 0 || d > std::numeric_limits<std::int32_t>::max()) {
      fail(path, "must be an integer >= 0 or null, got " + kpa::format_number(d));
      return std::nullopt;
    }
    return static_cast<std::int32_t>(d);
  }

 private:
  std::optional<Error> error_;
};

kpa::KnobValue to_knob_value(const json& v) {
  if (v.is_null()) return std::monostate{};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>();
  return v.get<std::string>();
}

// Sets every member of `obj` (at `path`) as a knob; `update` forbids the creation-time knobs.
void read_knobs(CaseReader& r, const json& obj, const std::string& path, bool update,
                kpa::KpaKnobs& knobs) {
  if (!obj.is_object()) {
    r.fail(path, "expected object, got " + type_of(obj));
    return;
  }
  for (const auto& [key, value] : obj.items()) {
    if (!r.ok()) return;
    const std::string p = at(path, key);
    const auto kind = kpa::knob_kind(key);
    if (!kind) {
      std::string message = "unknown knob";
      if (auto near = closest_name(key, kpa::knob_names())) {
        message += " (did you mean \"" + *near + "\"?)";
      }
      r.fail(p, message);
      return;
    }
    if (update) {
      for (std::string_view fixed : kFixedKnobs) {
        if (key == fixed) {
          r.fail(p, "cannot change after the decider is created");
          return;
        }
      }
    }
    if (value.is_array() || value.is_object()) {
      r.fail(p, "expected " + std::string(kpa::describe_kind(*kind)) + ", got " + type_of(value));
      return;
    }
    Status s = kpa::set_knob(knobs, key, to_knob_value(value));
    if (!s) r.fail(at(path, s.error().path), s.error().message);
  }
  if (!r.ok()) return;
  Status rel = kpa::validate_knob_relations(knobs);
  if (!rel) r.fail(at(path, rel.error().path), rel.error().message);
}

std::optional<kpa::StableAndPanic> read_observed(CaseReader& r, const json& v,
                                                 const std::string& path,
                                                 kpa::ScalingMetric metric) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_object()) {
    r.fail(path, "expected object or null, got " + type_of(v));
    return std::nullopt;
  }
  const bool rps = metric == kpa::ScalingMetric::Rps;
  const std::string stable_key = rps ? "stableRPS" : "stableConcurrency";
  const std::string panic_key = rps ? "panicRPS" : "panicConcurrency";
  kpa::StableAndPanic out;
  for (auto [key, slot] : {std::pair{stable_key, &out.stable}, std::pair{panic_key, &out.panic}}) {
    auto it = v.find(key);
    if (it == v.end()) {
      r.fail(at(path, key), std::string("missing (number >= 0; the metric is ") +
                                std::string(kpa::metric_name(metric)) + ")");
      return std::nullopt;
    }
    if (auto d = r.number(*it, at(path, key), 0, ">= 0")) *slot = *d;
  }
  return out;
}

std::vector<KpaSample> read_samples(CaseReader& r, const json& v, const std::string& path,
                                    Time step_time) {
  std::vector<KpaSample> out;
  if (!v.is_array()) {
    r.fail(path, "expected array, got " + type_of(v));
    return out;
  }
  constexpr double kLowest = std::numeric_limits<double>::lowest();
  for (std::size_t i = 0; i < v.size() && r.ok(); ++i) {
    const std::string p = at(path, i);
    const json& s = v[i];
    if (!s.is_object()) {
      r.fail(p, "expected object, got " + type_of(s));
      break;
    }
    KpaSample sample;
    auto t = s.find("time");
    if (t == s.end()) {
      r.fail(at(p, "time"), "missing (number, seconds)");
      break;
    }
    if (auto d = r.number(*t, at(p, "time"), kLowest, "a number of seconds")) sample.time = *d;
    if (r.ok() && sample.time > step_time) {
      r.fail(at(p, "time"), "must be <= the step time (" + kpa::format_number(step_time) +
                                "), got " + kpa::format_number(sample.time));
    }
    if (auto c = s.find("concurrency"); c != s.end() && r.ok()) {
      if (auto d = r.number(*c, at(p, "concurrency"), kLowest, "a number")) {
        sample.stat.concurrency = *d;
      }
    }
    if (auto q = s.find("rps"); q != s.end() && r.ok()) {
      if (auto d = r.number(*q, at(p, "rps"), kLowest, "a number")) sample.stat.rps = *d;
    }
    out.push_back(sample);
  }
  return out;
}

void read_steps(CaseReader& r, const json& steps, KpaCase& c) {
  const std::string path = "steps";
  if (!steps.is_array()) {
    r.fail(path, "expected array, got " + type_of(steps));
    return;
  }
  if (steps.empty()) {
    r.fail(path, "must hold at least one step");
    return;
  }
  kpa::KpaKnobs knobs = c.knobs;
  for (std::size_t i = 0; i < steps.size() && r.ok(); ++i) {
    const std::string p = at(path, i);
    const json& s = steps[i];
    if (!s.is_object()) {
      r.fail(p, "expected object, got " + type_of(s));
      return;
    }
    KpaStep step;
    auto t = s.find("time");
    if (t == s.end()) {
      r.fail(at(p, "time"), "missing (number, seconds)");
      return;
    }
    if (auto d = r.number(*t, at(p, "time"), std::numeric_limits<double>::lowest(),
                          "a number of seconds")) {
      step.time = *d;
    }
    if (r.ok() && i > 0 && step.time < c.steps.back().time) {
      r.fail(at(p, "time"), "must not be earlier than the previous step (" +
                                kpa::format_number(c.steps.back().time) + "), got " +
                                kpa::format_number(step.time));
      return;
    }
    if (auto u = s.find("configUpdate"); u != s.end() && r.ok()) {
      read_knobs(r, *u, at(p, "configUpdate"), /*update=*/true, knobs);
      step.updated_knobs = knobs;
    }
    auto ready = s.find("readyPods");
    if (ready == s.end()) {
      r.fail(at(p, "readyPods"), "missing (integer >= 0 or null)");
      return;
    }
    if (r.ok()) step.ready_pods = r.count_or_null(*ready, at(p, "readyPods"));

    auto observed = s.find("observed");
    auto samples = s.find("samples");
    if (observed != s.end() && samples != s.end()) {
      r.fail(p, "has both observed and samples (a case uses one input form)");
      return;
    }
    if (observed == s.end() && samples == s.end()) {
      r.fail(at(p, "observed"), "missing (object or null), or give samples instead");
      return;
    }
    const bool uses_samples = samples != s.end();
    if (i == 0) c.uses_samples = uses_samples;
    if (uses_samples != c.uses_samples) {
      r.fail(at(p, uses_samples ? "samples" : "observed"),
             std::string("every step must use the input form of steps[0] (") +
                 (c.uses_samples ? "samples" : "observed") + ")");
      return;
    }
    if (r.ok()) {
      if (uses_samples) {
        step.samples = read_samples(r, *samples, at(p, "samples"), step.time);
      } else {
        step.observed = read_observed(r, *observed, at(p, "observed"), knobs.metric);
      }
    }
    c.steps.push_back(std::move(step));
  }
}

std::string step_header(std::size_t i, const KpaStep& step) {
  std::string h = "step " + std::to_string(i) + " at t=" + kpa::format_number(step.time) + " s";
  if (step.updated_knobs) h += " (config updated)";
  if (!step.samples.empty()) h += ", " + std::to_string(step.samples.size()) + " samples recorded";
  return h + ":\n";
}

}  // namespace

Result<KpaCase> parse_kpa_case(const json& doc) {
  CaseReader r;
  KpaCase c;
  if (!doc.is_object()) return Error{"", "a kpa case must be a JSON object"};
  auto kind = r.string(doc, "", "kind", true);
  if (kind && *kind != "kpa") r.fail("kind", "expected \"kpa\", got \"" + *kind + "\"");
  c.name = r.string(doc, "", "name", true).value_or("");
  c.source = r.string(doc, "", "source", true).value_or("");
  if (!r.ok()) return r.error();

  auto config = doc.find("config");
  if (config == doc.end()) return Error{"config", "missing (object of knobs)"};
  read_knobs(r, *config, "config", /*update=*/false, c.knobs);

  if (auto created = doc.find("createdAt"); created != doc.end() && r.ok()) {
    if (auto d = r.number(*created, "createdAt", std::numeric_limits<double>::lowest(),
                          "a number of seconds")) {
      c.created_at = *d;
    }
  }
  if (auto initial = doc.find("initialReadyPods"); initial != doc.end() && r.ok()) {
    c.initial_ready_pods = r.count_or_null(*initial, "initialReadyPods");
  }
  auto steps = doc.find("steps");
  if (steps == doc.end() && r.ok()) r.fail("steps", "missing (array of steps)");
  if (r.ok()) read_steps(r, *steps, c);
  if (!r.ok()) return r.error();
  return c;
}

json run_kpa_case(const KpaCase& c, std::string* explanation) {
  kpa::KpaKnobs knobs = c.knobs;
  kpa::DeciderSpec spec = kpa::make_decider_spec(knobs);
  kpa::MetricCollector collector(spec);
  kpa::Decider decider(spec, c.created_at, c.initial_ready_pods);
  if (explanation) {
    *explanation += "kpa case " + c.name + " (" + c.source + ")\n";
    const std::string pods = !c.initial_ready_pods ? std::string("an unknown number of ready pods")
                             : *c.initial_ready_pods == 1
                                 ? std::string("1 ready pod")
                                 : std::to_string(*c.initial_ready_pods) + " ready pods";
    *explanation += "created at t=" + kpa::format_number(c.created_at) + " s with " + pods + ": " +
                    (decider.in_panic() ? "starts in panic, holding " +
                                              std::to_string(decider.max_panic_pods()) + " pods"
                                        : std::string("not panicking")) +
                    "\n";
  }
  json steps = json::array();
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const KpaStep& step = c.steps[i];
    if (step.updated_knobs) {
      knobs = *step.updated_knobs;
      spec = kpa::make_decider_spec(knobs);
      decider.update(spec);
    }
    std::optional<kpa::StableAndPanic> observed = step.observed;
    if (c.uses_samples) {
      for (const KpaSample& s : step.samples) collector.record(s.time, s.stat);
      observed = collector.stable_and_panic(spec.metric, step.time,
                                            /*has_scrape_target=*/spec.target_burst_capacity != -1);
    }
    const kpa::ScaleResult result = decider.scale(step.time, observed, step.ready_pods);
    steps.push_back(json{{"scaleValid", result.valid},
                         {"desiredPodCount", result.desired_pod_count},
                         {"excessBurstCapacity", result.excess_burst_capacity},
                         {"inPanic", decider.in_panic()}});
    if (explanation) {
      *explanation += step_header(i, step);
      if (c.uses_samples && !observed) {
        *explanation += "  the stable window holds no data (upstream ErrNoData)\n";
      }
      std::string text = kpa::explain_decision(decider.last_trace(), spec);
      // Indent the step's lines under its header.
      std::size_t pos = 0;
      while (pos < text.size()) {
        const std::size_t end = text.find('\n', pos);
        *explanation += "  " + text.substr(pos, end - pos + 1);
        pos = end + 1;
      }
      *explanation += "  => " + kpa::summarize_decision(decider.last_trace(), spec) + "\n";
    }
  }
  return json{{"policy", "kpa"}, {"steps", std::move(steps)}};
}

Result<json> evaluate_kpa_case(const json& doc, std::string* explanation) {
  auto parsed = parse_kpa_case(doc);
  if (!parsed) return parsed.error();
  return run_kpa_case(*parsed, explanation);
}

}  // namespace userscale::config
