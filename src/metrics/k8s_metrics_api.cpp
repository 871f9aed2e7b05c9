#include "metrics/k8s_metrics_api.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/quantity.h"
#include "core/timefmt.h"

namespace userscale::metrics {
namespace {

using nlohmann::json;

// Where a value is ("items[0].usage.cpu") and the first thing wrong with the document; reads
// after a failure return empty values so that the caller can finish without special cases.
class Reader {
 public:
  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }
  void fail(const std::string& path, const std::string& message) {
    if (!error_) error_ = Error{path, message};
  }

  static std::string at(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  static std::string at(const std::string& parent, std::size_t i) {
    return parent + "[" + std::to_string(i) + "]";
  }

  // obj[key] when present and not null; a missing required member is an error.
  const json* field(const json& obj, const std::string& path, const char* key, bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(at(path, key), "required");
      return nullptr;
    }
    return &*it;
  }
  const json* object(const json& obj, const std::string& path, const char* key, bool required) {
    const json* v = field(obj, path, key, required);
    if (v && !v->is_object()) {
      fail(at(path, key), std::string("must be an object, not ") + v->type_name());
      return nullptr;
    }
    return v;
  }
  // An absent or null list reads as empty (Go writes a nil slice as null).
  const json* array(const json& obj, const std::string& path, const char* key) {
    const json* v = field(obj, path, key, false);
    if (v && !v->is_array()) {
      fail(at(path, key), std::string("must be an array, not ") + v->type_name());
      return nullptr;
    }
    return v;
  }
  std::optional<std::string> string(const json& obj, const std::string& path, const char* key,
                                    bool required) {
    const json* v = field(obj, path, key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(at(path, key), std::string("must be a string, not ") + v->type_name());
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  std::optional<std::string> name(const json& obj, const std::string& path, const char* key) {
    auto s = string(obj, path, key, true);
    if (s && s->empty()) {
      fail(at(path, key), "must not be empty");
      return std::nullopt;
    }
    return s;
  }
  std::optional<Time> time(const json& obj, const std::string& path, const char* key) {
    auto s = string(obj, path, key, true);
    if (!s) return std::nullopt;
    auto t = parse_rfc3339(*s);
    if (!t) fail(at(path, key), "not an RFC 3339 time (\"" + *s + "\")");
    return t;
  }
  // metav1.Duration: Go's duration text ("30s", "1m0s", "10.5s").
  std::optional<Duration> go_duration(const json& obj, const std::string& path, const char* key) {
    auto s = string(obj, path, key, true);
    if (!s) return std::nullopt;
    auto d = parse_go_duration(*s);
    if (!d || *d < 0) {
      fail(at(path, key), "not a non-negative duration (\"" + *s + "\")");
      return std::nullopt;
    }
    return d;
  }
  // An int64 of seconds (windowSeconds, window); absent is nullopt.
  std::optional<Duration> seconds(const json& obj, const std::string& path, const char* key) {
    const json* v = field(obj, path, key, false);
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) return static_cast<Duration>(v->get<std::uint64_t>());
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
      return static_cast<Duration>(v->get<std::int64_t>());
    }
    fail(at(path, key), "must be a non-negative integer of seconds");
    return std::nullopt;
  }
  // resource.Quantity: a string ("250m", "64Mi"), or a bare JSON number as Go also accepts.
  std::optional<ParsedQuantity> quantity(const json& v, const std::string& path) {
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number()) {
      text = v.dump();
    } else {
      fail(path, std::string("must be a quantity string, not ") + v.type_name());
      return std::nullopt;
    }
    auto q = parse_quantity(text);
    if (!q) fail(path, "not a quantity (\"" + text + "\")");
    return q;
  }

 private:
  std::optional<Error> error_;
};

// The document's top object, checked to be the list kind expected (when it names one).
Result<json> list_document(std::string_view body, const char* kind) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::exception& e) {
    return Error{"", std::string("not JSON: ") + e.what()};
  }
  if (!doc.is_object()) return Error{"", std::string("not a ") + kind + " object"};
  auto k = doc.find("kind");
  if (k != doc.end() && (!k->is_string() || k->get<std::string>() != kind)) {
    // Not dumped: a hostile value may nest deeper than a recursive printer can follow.
    const std::string got = k->is_string() ? "\"" + k->get<std::string>() + "\"" : k->type_name();
    return Error{"kind", std::string("expected ") + kind + ", got " + got};
  }
  return doc;
}

Labels string_map(Reader& r, const json& obj, const std::string& path, const char* key) {
  Labels out;
  const json* m = r.object(obj, path, key, false);
  if (!m) return out;
  for (const auto& [k, v] : m->items()) {
    if (!v.is_string()) {
      r.fail(Reader::at(Reader::at(path, key), k), "must be a string");
      return {};
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

// Each object of the list document's `items` read by `read(reader, item, path)`; the first
// error anywhere ends the list and is returned, never a partial list.
template <typename T, typename Read>
Result<std::vector<T>> read_items(std::string_view body, const char* kind, Read read) {
  auto doc = list_document(body, kind);
  if (!doc) return doc.error();
  Reader r;
  std::vector<T> out;
  const json* items = r.array(*doc, "", "items");
  for (std::size_t i = 0; items && r.ok() && i < items->size(); ++i) {
    const std::string ip = Reader::at("items", i);
    const json& item = (*items)[i];
    if (!item.is_object()) {
      r.fail(ip, "must be an object");
      break;
    }
    out.push_back(read(r, item, ip));
  }
  if (!r.ok()) return r.error();
  return out;
}

}  // namespace

Result<std::vector<PodResourceMetrics>> parse_pod_metrics_list(std::string_view body) {
  return read_items<PodResourceMetrics>(
      body, "PodMetricsList", [](Reader& r, const json& item, const std::string& ip) {
        PodResourceMetrics m;
        if (const json* md = r.object(item, ip, "metadata", true)) {
          m.pod = r.name(*md, Reader::at(ip, "metadata"), "name").value_or("");
        }
        m.timestamp = r.time(item, ip, "timestamp").value_or(0);
        m.window = r.go_duration(item, ip, "window").value_or(0);
        const json* containers = r.array(item, ip, "containers");
        for (std::size_t c = 0; containers && r.ok() && c < containers->size(); ++c) {
          const std::string cp = Reader::at(Reader::at(ip, "containers"), c);
          const json& cj = (*containers)[c];
          if (!cj.is_object()) {
            r.fail(cp, "must be an object");
            break;
          }
          ContainerUsage cu;
          cu.name = r.name(cj, cp, "name").value_or("");
          if (const json* usage = r.object(cj, cp, "usage", true)) {
            for (const auto& [res, qv] : usage->items()) {
              const std::string qp = Reader::at(Reader::at(cp, "usage"), res);
              auto q = r.quantity(qv, qp);
              if (!q) break;
              if (q->milli < 0) {
                r.fail(qp, "usage cannot be negative (" + format_milli(q->milli) + ")");
                break;
              }
              cu.usage_milli[res] = q->milli;
            }
          }
          m.containers.push_back(std::move(cu));
        }
        return m;
      });
}

Result<std::vector<CustomMetricValue>> parse_metric_value_list(std::string_view body) {
  return read_items<CustomMetricValue>(
      body, "MetricValueList", [](Reader& r, const json& item, const std::string& ip) {
        CustomMetricValue v;
        if (const json* d = r.object(item, ip, "describedObject", true)) {
          const std::string dp = Reader::at(ip, "describedObject");
          v.object_kind = r.name(*d, dp, "kind").value_or("");
          v.object_name = r.name(*d, dp, "name").value_or("");
        }
        if (item.contains("metric")) {  // v1beta2
          if (const json* m = r.object(item, ip, "metric", true)) {
            v.metric_name = r.name(*m, Reader::at(ip, "metric"), "name").value_or("");
          }
        } else {  // v1beta1
          v.metric_name = r.name(item, ip, "metricName").value_or("");
        }
        v.timestamp = r.time(item, ip, "timestamp").value_or(0);
        v.window = r.seconds(item, ip, "windowSeconds");
        if (const json* value = r.field(item, ip, "value", true)) {
          if (auto q = r.quantity(*value, Reader::at(ip, "value"))) v.value_milli = q->milli;
        }
        return v;
      });
}

Result<std::vector<ExternalMetricValue>> parse_external_metric_value_list(std::string_view body) {
  return read_items<ExternalMetricValue>(
      body, "ExternalMetricValueList", [](Reader& r, const json& item, const std::string& ip) {
        ExternalMetricValue v;
        v.metric_name = r.name(item, ip, "metricName").value_or("");
        v.labels = string_map(r, item, ip, "metricLabels");
        v.timestamp = r.time(item, ip, "timestamp").value_or(0);
        (void)r.seconds(item, ip, "window");  // checked; the HPA does not use it
        if (const json* value = r.field(item, ip, "value", true)) {
          if (auto q = r.quantity(*value, Reader::at(ip, "value"))) v.value_milli = q->milli;
        }
        return v;
      });
}

}  // namespace userscale::metrics
