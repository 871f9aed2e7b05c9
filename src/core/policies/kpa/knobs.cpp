#include "core/policies/kpa/knobs.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>

namespace userscale::kpa {
namespace {

using Apply = std::function<Status(KpaKnobs&, const KnobValue&)>;

struct KnobEntry {
  std::string_view name;
  KnobKind kind;
  Apply apply;  // called with a value of the kind's type; checks the range
};

Status invalid(std::string message) {
  return Error{"", std::move(message)};
}

double num(const KnobValue& v) {
  return std::get<double>(v);
}

bool is_whole(double v) {
  return std::isfinite(v) && std::floor(v) == v;
}

// Whole numbers in [min, max], for pod counts and the like.
Status whole_at_least(double v, double min, std::int32_t& out) {
  if (!is_whole(v) || v < min || v > INT32_MAX) {
    return invalid("must be a whole number >= " + format_number(min) + ", got " + format_number(v));
  }
  out = static_cast<std::int32_t>(v);
  return ok_status();
}

Status positive(double v, double& out) {
  if (!(v > 0) || !std::isfinite(v)) return invalid("must be > 0, got " + format_number(v));
  out = v;
  return ok_status();
}

Status greater_than_one(double v, double& out) {
  if (!(v > 1) || !std::isfinite(v)) return invalid("must be > 1, got " + format_number(v));
  out = v;
  return ok_status();
}

Status set_bool(const KnobValue& v, bool& out) {
  out = std::get<bool>(v);
  return ok_status();
}

const std::vector<KnobEntry>& table() {
  static const std::vector<KnobEntry> kTable = {
      {"metric", KnobKind::Word,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         const auto& w = std::get<std::string>(v);
         if (w == "concurrency") {
           k.metric = ScalingMetric::Concurrency;
         } else if (w == "rps") {
           k.metric = ScalingMetric::Rps;
         } else {
           return invalid("must be \"concurrency\" or \"rps\", got \"" + w + "\"");
         }
         return ok_status();
       }},
      {"target", KnobKind::NullableNumber,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (std::holds_alternative<std::monostate>(v)) {
           k.target.reset();
           return ok_status();
         }
         if (!(num(v) > 0) || !std::isfinite(num(v))) {
           return invalid("must be > 0 or null, got " + format_number(num(v)));
         }
         k.target = num(v);
         return ok_status();
       }},
      {"target-utilization-percentage", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!(num(v) > 0 && num(v) <= 100)) {
           return invalid("must be in (0, 100], got " + format_number(num(v)));
         }
         k.target_utilization_percentage = num(v);
         return ok_status();
       }},
      {"container-concurrency", KnobKind::Integer,
       [](KpaKnobs& k, const KnobValue& v) {
         return whole_at_least(num(v), 0, k.container_concurrency);
       }},
      {"container-concurrency-target-default", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) {
         return positive(num(v), k.container_concurrency_target_default);
       }},
      {"requests-per-second-target-default", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) {
         return positive(num(v), k.requests_per_second_target_default);
       }},
      {"target-burst-capacity", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!((num(v) >= 0 && std::isfinite(num(v))) || num(v) == -1)) {
           return invalid("must be >= 0 or -1, got " + format_number(num(v)));
         }
         k.target_burst_capacity = num(v);
         return ok_status();
       }},
      {"panic-threshold-percentage", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) {
         return positive(num(v), k.panic_threshold_percentage);
       }},
      {"stable-window", KnobKind::Seconds,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!is_whole(num(v)) || num(v) < 6 || num(v) > 3600) {
           return invalid("must be a whole number of seconds in 6..3600, got " +
                          format_number(num(v)));
         }
         k.stable_window_seconds = static_cast<std::int64_t>(num(v));
         return ok_status();
       }},
      {"panic-window-percentage", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!(num(v) >= 1 && num(v) <= 100)) {
           return invalid("must be in 1..100, got " + format_number(num(v)));
         }
         k.panic_window_percentage = num(v);
         return ok_status();
       }},
      {"max-scale-up-rate", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) {
         return greater_than_one(num(v), k.max_scale_up_rate);
       }},
      {"max-scale-down-rate", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) {
         return greater_than_one(num(v), k.max_scale_down_rate);
       }},
      {"scale-down-delay", KnobKind::Seconds,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         // An upper bound keeps the delay window's slot count sane; upstream has none.
         if (!is_whole(num(v)) || num(v) < 0 || num(v) > 1e9) {
           return invalid("must be a whole number of seconds >= 0, got " + format_number(num(v)));
         }
         k.scale_down_delay_seconds = static_cast<std::int64_t>(num(v));
         return ok_status();
       }},
      {"activation-scale", KnobKind::Integer,
       [](KpaKnobs& k, const KnobValue& v) {
         return whole_at_least(num(v), 0, k.activation_scale);
       }},
      {"reachable", KnobKind::Bool,
       [](KpaKnobs& k, const KnobValue& v) { return set_bool(v, k.reachable); }},
      {"activator-capacity", KnobKind::Number,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!(num(v) >= 1) || !std::isfinite(num(v))) {
           return invalid("must be >= 1, got " + format_number(num(v)));
         }
         k.activator_capacity = num(v);
         return ok_status();
       }},
      {"metric-aggregation-algorithm", KnobKind::Word,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         const auto& w = std::get<std::string>(v);
         if (w == "linear") {
           k.aggregation = Aggregation::Linear;
         } else if (w == "weighted-exponential" || w == "weightedExponential") {
           k.aggregation = Aggregation::WeightedExponential;
         } else {
           return invalid(
               "must be \"linear\", \"weighted-exponential\" or \"weightedExponential\", got \"" +
               w + "\"");
         }
         return ok_status();
       }},
      {"enable-scale-to-zero", KnobKind::Bool,
       [](KpaKnobs& k, const KnobValue& v) { return set_bool(v, k.enable_scale_to_zero); }},
      {"scale-to-zero-grace-period", KnobKind::Seconds,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!(num(v) > 0) || !std::isfinite(num(v))) {
           return invalid("must be > 0 seconds, got " + format_number(num(v)));
         }
         k.scale_to_zero_grace_period_seconds = num(v);
         return ok_status();
       }},
      {"scale-to-zero-pod-retention-period", KnobKind::Seconds,
       [](KpaKnobs& k, const KnobValue& v) -> Status {
         if (!(num(v) >= 0) || !std::isfinite(num(v))) {
           return invalid("must be >= 0 seconds, got " + format_number(num(v)));
         }
         k.scale_to_zero_pod_retention_period_seconds = num(v);
         return ok_status();
       }},
      {"min-scale", KnobKind::Integer,
       [](KpaKnobs& k, const KnobValue& v) { return whole_at_least(num(v), 0, k.min_scale); }},
      {"max-scale", KnobKind::Integer,
       [](KpaKnobs& k, const KnobValue& v) { return whole_at_least(num(v), 0, k.max_scale); }},
      {"initial-scale", KnobKind::Integer,
       [](KpaKnobs& k, const KnobValue& v) { return whole_at_least(num(v), 0, k.initial_scale); }},
      {"allow-zero-initial-scale", KnobKind::Bool,
       [](KpaKnobs& k, const KnobValue& v) { return set_bool(v, k.allow_zero_initial_scale); }},
  };
  return kTable;
}

const KnobEntry* find_entry(std::string_view name) {
  for (const auto& e : table()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string_view value_type_name(const KnobValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (std::holds_alternative<double>(v)) return "number";
  if (std::holds_alternative<bool>(v)) return "boolean";
  return "string";
}

bool kind_accepts(KnobKind kind, const KnobValue& v) {
  switch (kind) {
    case KnobKind::Number:
    case KnobKind::Integer:
    case KnobKind::Seconds:
      return std::holds_alternative<double>(v);
    case KnobKind::NullableNumber:
      return std::holds_alternative<double>(v) || std::holds_alternative<std::monostate>(v);
    case KnobKind::Bool:
      return std::holds_alternative<bool>(v);
    case KnobKind::Word:
      return std::holds_alternative<std::string>(v);
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_number(std::string_view s) {
  double out = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (s.empty() || ec != std::errc() || ptr != end || !std::isfinite(out)) return std::nullopt;
  return out;
}

}  // namespace

std::string_view metric_name(ScalingMetric metric) {
  return metric == ScalingMetric::Rps ? "rps" : "concurrency";
}

const std::vector<std::string_view>& knob_names() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& e : table()) names.push_back(e.name);
    return names;
  }();
  return kNames;
}

std::optional<KnobKind> knob_kind(std::string_view name) {
  const KnobEntry* e = find_entry(name);
  if (!e) return std::nullopt;
  return e->kind;
}

std::string_view describe_kind(KnobKind kind) {
  switch (kind) {
    case KnobKind::Number:
      return "number";
    case KnobKind::NullableNumber:
      return "number or null";
    case KnobKind::Integer:
      return "integer";
    case KnobKind::Seconds:
      return "number of seconds";
    case KnobKind::Bool:
      return "boolean";
    case KnobKind::Word:
      return "string";
  }
  return "value";
}

Status set_knob(KpaKnobs& knobs, std::string_view name, const KnobValue& value) {
  const KnobEntry* e = find_entry(name);
  if (!e) return Error{std::string(name), "unknown knob"};
  if (!kind_accepts(e->kind, value)) {
    return Error{std::string(name), "expected " + std::string(describe_kind(e->kind)) + ", got " +
                                        std::string(value_type_name(value))};
  }
  Status s = e->apply(knobs, value);
  if (!s) return Error{std::string(name), s.error().message};
  return ok_status();
}

Status set_knob_from_text(KpaKnobs& knobs, std::string_view name, std::string_view text) {
  const KnobEntry* e = find_entry(name);
  if (!e) return Error{std::string(name), "unknown knob"};
  const std::string_view t = trim(text);
  const std::string quoted = "\"" + std::string(text) + "\"";
  switch (e->kind) {
    case KnobKind::Number:
    case KnobKind::Integer:
      if (auto n = parse_number(t)) return set_knob(knobs, name, *n);
      return Error{std::string(name), "expected a number, got " + quoted};
    case KnobKind::NullableNumber:
      if (t == "null") return set_knob(knobs, name, std::monostate{});
      if (auto n = parse_number(t)) return set_knob(knobs, name, *n);
      return Error{std::string(name), "expected a number or null, got " + quoted};
    case KnobKind::Seconds:
      if (auto n = parse_number(t)) return set_knob(knobs, name, *n);
      if (auto d = parse_go_duration(t)) return set_knob(knobs, name, *d);
      return Error{std::string(name), "expected seconds (\"60\" or \"60s\"), got " + quoted};
    case KnobKind::Bool:
      if (t == "true") return set_knob(knobs, name, true);
      if (t == "false") return set_knob(knobs, name, false);
      return Error{std::string(name), "expected true or false, got " + quoted};
    case KnobKind::Word:
      return set_knob(knobs, name, std::string(t));
  }
  return Error{std::string(name), "unknown knob"};
}

Status validate_knob_relations(const KpaKnobs& knobs) {
  if (knobs.max_scale > 0 && knobs.min_scale > knobs.max_scale) {
    return Error{"min-scale", "must be <= max-scale (" + std::to_string(knobs.max_scale) +
                                  ") when max-scale > 0, got " + std::to_string(knobs.min_scale)};
  }
  if (knobs.initial_scale == 0 && !knobs.allow_zero_initial_scale) {
    return Error{"initial-scale", "must be >= 1 unless allow-zero-initial-scale is true, got 0"};
  }
  return ok_status();
}

Result<KpaKnobs> knobs_from_params(const std::map<std::string, std::string>& params) {
  KpaKnobs knobs;
  for (const auto& [name, text] : params) {
    Status s = set_knob_from_text(knobs, name, text);
    if (!s) return s.error();
  }
  Status rel = validate_knob_relations(knobs);
  if (!rel) return rel.error();
  return knobs;
}

std::string format_number(double value) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return "?";
  return std::string(buf, ptr);
}

}  // namespace userscale::kpa
