#include "config/yaml_reader.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "core/quantity.h"
#include "core/timefmt.h"

namespace userscale::config {
namespace {

bool to_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && std::isfinite(out);
}

}  // namespace

std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

bool YamlReader::mapping(const YAML::Node& node, const std::string& path) {
  if (!node || node.IsNull() || node.IsMap()) return true;
  fail(path, "must be a mapping");
  return false;
}

void YamlReader::known(const YAML::Node& map, const std::string& path,
                       std::initializer_list<const char*> allowed) {
  if (!map || !map.IsMap()) return;
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>("");
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) fail(join(path, key), "unknown field");
  }
}

bool YamlReader::scalar(const YAML::Node& map, const std::string& path, const char* key,
                        YAML::Node& out) {
  if (!map || !map.IsMap()) return false;
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) return false;
  if (!v.IsScalar()) {
    fail(join(path, key), "must be a scalar");
    return false;
  }
  out = v;
  return true;
}

bool YamlReader::number(const YAML::Node& map, const std::string& path, const char* key,
                        double& out, double min, double max, bool min_exclusive) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  double x = 0.0;
  if (!to_double(v.Scalar(), x)) {
    fail(join(path, key), "must be a number, got \"" + v.Scalar() + "\"");
    return false;
  }
  if (min_exclusive ? !(x > min) : !(x >= min)) {
    fail(join(path, key), std::string("must be ") + (min_exclusive ? "> " : ">= ") +
                              format_number(min) + ", got " + format_number(x));
    return false;
  }
  if (x > max) {
    fail(join(path, key), "must be <= " + format_number(max) + ", got " + format_number(x));
    return false;
  }
  out = x;
  return true;
}

bool YamlReader::integer(const YAML::Node& map, const std::string& path, const char* key, int& out,
                         int min, int max) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  long long x = 0;
  const std::string& s = v.Scalar();
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size()) {
    fail(join(path, key), "must be an integer, got \"" + s + "\"");
    return false;
  }
  if (x < min) {
    fail(join(path, key), "must be >= " + std::to_string(min) + ", got " + std::to_string(x));
    return false;
  }
  if (x > max) {
    fail(join(path, key), "must be <= " + std::to_string(max) + ", got " + std::to_string(x));
    return false;
  }
  out = static_cast<int>(x);
  return true;
}

bool YamlReader::uint64(const YAML::Node& map, const std::string& path, const char* key,
                        std::uint64_t& out) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  const std::string& s = v.Scalar();
  std::uint64_t x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size()) {
    fail(join(path, key), "must be a non-negative integer, got \"" + s + "\"");
    return false;
  }
  out = x;
  return true;
}

bool YamlReader::boolean(const YAML::Node& map, const std::string& path, const char* key,
                         bool& out) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  const std::string& s = v.Scalar();
  if (s == "true" || s == "false") {
    out = s == "true";
    return true;
  }
  fail(join(path, key), "must be true or false, got \"" + s + "\"");
  return false;
}

bool YamlReader::string(const YAML::Node& map, const std::string& path, const char* key,
                        std::string& out) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  out = v.Scalar();
  return true;
}

bool YamlReader::seconds(const YAML::Node& map, const std::string& path, const char* key,
                         double& out, bool allow_zero) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  double x = 0.0;
  if (!to_double(v.Scalar(), x)) {
    auto d = parse_go_duration(v.Scalar());
    if (!d) {
      fail(join(path, key),
           "must be seconds or a duration like \"90s\", got \"" + v.Scalar() + "\"");
      return false;
    }
    x = *d;
  }
  if (allow_zero ? x < 0.0 : x <= 0.0) {
    fail(join(path, key),
         std::string("must be ") + (allow_zero ? ">= 0" : "> 0") + ", got " + format_number(x));
    return false;
  }
  out = x;
  return true;
}

bool YamlReader::bytes(const YAML::Node& map, const std::string& path, const char* key,
                       double& out) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  auto q = parse_quantity(v.Scalar());
  if (!q) {
    fail(join(path, key),
         "must be a byte count or a quantity like \"4Gi\", got \"" + v.Scalar() + "\"");
    return false;
  }
  if (q->approx < 0.0) {
    fail(join(path, key), "must be >= 0, got " + v.Scalar());
    return false;
  }
  out = q->approx;
  return true;
}

bool YamlReader::cores(const YAML::Node& map, const std::string& path, const char* key,
                       double& out) {
  YAML::Node v;
  if (!scalar(map, path, key, v)) return false;
  auto q = parse_quantity(v.Scalar());
  if (!q || q->approx < 0.0) {
    fail(join(path, key),
         "must be a CPU quantity like 0.5 or \"500m\", got \"" + v.Scalar() + "\"");
    return false;
  }
  out = q->approx;
  return true;
}

bool YamlReader::dist(const YAML::Node& map, const std::string& path, const char* key,
                      DistSpec& out) {
  if (!map || !map.IsMap()) return false;
  const YAML::Node v = map[key];
  if (!v || v.IsNull()) return false;
  const std::string p = join(path, key);
  if (v.IsScalar()) {
    double x = 0.0;
    if (!seconds(map, path, key, x)) return false;
    out = DistSpec::constant(x);
    return true;
  }
  if (!v.IsMap()) {
    fail(p, "must be a number or a distribution mapping");
    return false;
  }
  DistKind kind = DistKind::Constant;
  if (!choice(v, p, "dist", kind,
              {{"constant", DistKind::Constant},
               {"uniform", DistKind::Uniform},
               {"exponential", DistKind::Exponential},
               {"lognormal", DistKind::LogNormal},
               {"normal", DistKind::Normal},
               {"gamma", DistKind::Gamma}})) {
    if (!v["dist"]) fail(join(p, "dist"), "required");
    return false;
  }
  const std::size_t before = errors.size();
  DistSpec d;
  d.kind = kind;
  auto need = [&](const char* field, double& slot, bool positive) {
    if (!v[field]) {
      fail(join(p, field), "required for a " + v["dist"].Scalar() + " distribution");
      return;
    }
    seconds(v, p, field, slot, !positive);
  };
  switch (kind) {
    case DistKind::Constant:
      known(v, p, {"dist", "value"});
      need("value", d.a, false);
      break;
    case DistKind::Uniform:
      known(v, p, {"dist", "min", "max"});
      need("min", d.a, false);
      need("max", d.b, false);
      if (errors.size() == before && d.b < d.a) {
        fail(join(p, "max"),
             "must be >= min (" + format_number(d.a) + "), got " + format_number(d.b));
      }
      break;
    case DistKind::Exponential:
      known(v, p, {"dist", "mean"});
      need("mean", d.a, true);
      break;
    case DistKind::LogNormal:
    case DistKind::Gamma:
      known(v, p, {"dist", "mean", "cv"});
      need("mean", d.a, true);
      if (v["cv"]) number(v, p, "cv", d.b, 0.0);
      break;
    case DistKind::Normal:
      known(v, p, {"dist", "mean", "stddev"});
      need("mean", d.a, false);
      if (v["stddev"]) number(v, p, "stddev", d.b, 0.0);
      break;
  }
  if (errors.size() != before) return false;
  out = d;
  return true;
}

}  // namespace userscale::config
