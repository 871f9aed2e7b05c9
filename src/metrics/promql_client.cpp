#include "metrics/promql_client.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

namespace userscale::metrics {
namespace {

double parse_value(const std::string& s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::stod(s);
}

}  // namespace

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Result<std::vector<PromSeries>> parse_query_answer(std::string_view body) {
  try {
    const auto j = nlohmann::json::parse(body);
    if (j.value("status", "") != "success") {
      return Error{"prometheus", j.value("errorType", "error") + ": " + j.value("error", "")};
    }
    const auto& data = j.at("data");
    const std::string type = data.value("resultType", "");
    std::vector<PromSeries> out;
    if (type == "scalar") {
      const auto& v = data.at("result");
      out.push_back(PromSeries{{}, parse_value(v.at(1).get<std::string>()), v.at(0).get<double>()});
      return out;
    }
    if (type != "vector") return Error{"prometheus", "unexpected result type " + type};
    for (const auto& item : data.at("result")) {
      PromSeries s;
      const nlohmann::json metric = item.value("metric", nlohmann::json::object());
      for (const auto& [k, v] : metric.items()) {
        s.labels[k] = v.get<std::string>();
      }
      s.timestamp = item.at("value").at(0).get<double>();
      s.value = parse_value(item.at("value").at(1).get<std::string>());
      out.push_back(std::move(s));
    }
    return out;
  } catch (const std::exception& e) {
    return Error{"prometheus", std::string("unreadable answer: ") + e.what()};
  }
}

PromqlClient::PromqlClient(std::string host, std::string port, std::chrono::milliseconds timeout)
    : http_(std::move(host), std::move(port), timeout) {}

Result<std::vector<PromSeries>> PromqlClient::query(std::string_view expr,
                                                    std::optional<double> time) {
  std::string target = "/api/v1/query?query=" + url_encode(expr);
  if (time) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", *time);
    target += "&time=";
    target += buf;
  }
  auto r = http_.get(target);
  if (!r.ok()) {
    http_.close();
    return r.error();
  }
  if (r->status != 200 && r->status != 400 && r->status != 422) {
    return Error{"prometheus", "HTTP " + std::to_string(r->status) + " for " + std::string(expr)};
  }
  return parse_query_answer(r->body);
}

}  // namespace userscale::metrics
