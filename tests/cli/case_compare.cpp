#include "cli/case_compare.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/quantity.h"

namespace userscale::testing {
namespace {

using nlohmann::json;

constexpr double kRelativeTolerance = 1e-6;
constexpr std::size_t kExcerptChars = 400;

std::string text_of(const json& v) {
  return v.dump();
}

std::string excerpt(std::string_view s) {
  std::string t(s.substr(0, std::min(s.size(), kExcerptChars)));
  if (s.size() > kExcerptChars) t += "...";
  return t;
}

void add(std::vector<Mismatch>& out, std::string path, std::string expected, std::string got) {
  out.push_back({std::move(path), std::move(expected), std::move(got)});
}

bool floats_close(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= kRelativeTolerance * std::max(std::fabs(a), std::fabs(b));
}

// Quantity strings are compared by value. Both the rounded milli value (what the HPA computes
// with) and the approximate value must agree, so "0.0001" and "0.0009" stay different.
std::optional<bool> quantities_equal(const std::string& a, const std::string& b) {
  auto qa = parse_quantity(a);
  auto qb = parse_quantity(b);
  if (!qa || !qb) return std::nullopt;
  return qa->milli == qb->milli && floats_close(qa->approx, qb->approx);
}

void compare_scalar(const json& expected, const json& got, const std::string& path,
                    std::vector<Mismatch>& out) {
  bool equal = false;
  if (expected.is_number_integer()) {
    if (got.is_number_integer()) {
      // Both signed and unsigned storage compare by mathematical value.
      if (expected.is_number_unsigned() || got.is_number_unsigned()) {
        equal = (expected.is_number_unsigned() || expected.get<std::int64_t>() >= 0) &&
                (got.is_number_unsigned() || got.get<std::int64_t>() >= 0) &&
                expected.get<std::uint64_t>() == got.get<std::uint64_t>();
      } else {
        equal = expected.get<std::int64_t>() == got.get<std::int64_t>();
      }
    } else if (got.is_number_float()) {
      // 4 and 4.0 are one JSON number; anything else is not an exact match.
      equal = got.get<double>() == expected.get<double>();
    }
  } else if (expected.is_number_float()) {
    equal = got.is_number() && floats_close(expected.get<double>(), got.get<double>());
  } else if (expected.is_string()) {
    if (got.is_string()) {
      const auto& e = expected.get_ref<const std::string&>();
      const auto& g = got.get_ref<const std::string&>();
      auto by_value = quantities_equal(e, g);
      equal = by_value ? *by_value : e == g;
    }
  } else {
    equal = expected == got;  // booleans and null
  }
  if (!equal) add(out, path, text_of(expected), text_of(got));
}

bool is_condition_list(const json& v) {
  return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& c) {
           return c.is_object() && c.contains("type") && c["type"].is_string();
         });
}

void compare_conditions(const json& expected, const json& got, const std::string& path,
                        MissingKeys missing, std::vector<Mismatch>& out) {
  if (!got.is_array()) {
    add(out, path, "a list of conditions", text_of(got));
    return;
  }
  for (const json& want : expected) {
    const std::string type = want["type"].get<std::string>();
    const std::string where = path + "[" + type + "]";
    auto it = std::find_if(got.begin(), got.end(), [&](const json& c) {
      return c.is_object() && c.contains("type") && c["type"] == type;
    });
    if (it == got.end()) {
      add(out, where, text_of(want), "(missing)");
      continue;
    }
    compare_json(want, *it, where, missing, out);
  }
}

json read_json_file(const std::filesystem::path& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path.string();
    return nullptr;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  json doc = json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) *error = path.string() + " is not JSON";
  return doc;
}

std::optional<ExpectedError> parse_expected_error(const json& v, std::string* why) {
  if (!v.is_object() || !v.contains("exitCode") || !v["exitCode"].is_number_integer() ||
      !v.contains("mentions") || !v["mentions"].is_string()) {
    *why = "expectError must be {\"exitCode\": <int>, \"mentions\": <string>}";
    return std::nullopt;
  }
  return ExpectedError{v["exitCode"].get<int>(), v["mentions"].get<std::string>()};
}

std::vector<Mismatch> check_error(const ExpectedError& want, const RunOutput& run) {
  std::vector<Mismatch> out;
  if (run.timed_out) {
    add(out, "run", "to finish within the time limit", "timed out");
    return out;
  }
  if (run.exit_code != want.exit_code) {
    add(out, "exitCode", std::to_string(want.exit_code),
        std::to_string(run.exit_code) + " (stderr: " + excerpt(run.err) + ")");
  }
  if (run.err.find(want.mentions) == std::string::npos) {
    add(out, "stderr", "text mentioning \"" + want.mentions + "\"", "\"" + excerpt(run.err) + "\"");
  }
  return out;
}

}  // namespace

void compare_json(const json& expected, const json& got, const std::string& path,
                  MissingKeys missing, std::vector<Mismatch>& out) {
  if (expected.is_object()) {
    if (!got.is_object()) {
      add(out, path, text_of(expected), text_of(got));
      return;
    }
    for (const auto& [key, want] : expected.items()) {
      const std::string where = path.empty() ? key : path + "." + key;
      if (!got.contains(key)) {
        if (missing == MissingKeys::kReport) add(out, where, text_of(want), "(missing)");
        continue;
      }
      if (key == "conditions" && is_condition_list(want)) {
        compare_conditions(want, got[key], where, missing, out);
      } else {
        compare_json(want, got[key], where, missing, out);
      }
    }
    return;
  }
  if (expected.is_array()) {
    if (!got.is_array()) {
      add(out, path, text_of(expected), text_of(got));
      return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const std::string where = path + "[" + std::to_string(i) + "]";
      if (expected[i].is_null()) continue;  // a position the case says nothing about
      if (i >= got.size()) {
        add(out, where, text_of(expected[i]), "(missing)");
        continue;
      }
      compare_json(expected[i], got[i], where, missing, out);
    }
    return;
  }
  compare_scalar(expected, got, path, out);
}

std::vector<Mismatch> compare_hpa_output(const json& expect, const json& output) {
  std::vector<Mismatch> out;
  if (!output.is_object()) {
    add(out, "(output)", "a JSON object", text_of(output));
    return out;
  }
  if (!expect.is_object() || !expect.contains("desiredReplicas")) {
    add(out, "expect.desiredReplicas", "present in the case", "(missing from the case)");
    return out;
  }
  if (!output.contains("desiredReplicas")) {
    add(out, "desiredReplicas", text_of(expect["desiredReplicas"]), "(missing)");
  }
  // desiredReplicas is compared here like any key the output has; its absence is reported
  // above, the only key whose absence is a difference besides an expected condition type.
  compare_json(expect, output, "", MissingKeys::kIgnore, out);
  return out;
}

std::optional<CaseExpectation> load_expectation(const std::filesystem::path& path,
                                                std::string* why) {
  std::string error;
  json doc = read_json_file(path, &error);
  if (doc.is_discarded() || doc.is_null()) {
    std::filesystem::path sidecar = path;
    sidecar.replace_extension(".expect.json");
    std::string sidecar_error;
    json side = read_json_file(sidecar, &sidecar_error);
    if (side.is_discarded() || side.is_null()) {
      *why = error + "; and no readable sidecar " + sidecar.filename().string();
      return std::nullopt;
    }
    const json& e = side.contains("expectError") ? side["expectError"] : side;
    auto want = parse_expected_error(e, why);
    if (!want) return std::nullopt;
    return CaseExpectation{CaseExpectation::Mode::kError, nullptr, *want};
  }
  if (!doc.is_object()) {
    *why = "a case must be a JSON object";
    return std::nullopt;
  }
  if (doc.contains("expectError")) {
    auto want = parse_expected_error(doc["expectError"], why);
    if (!want) return std::nullopt;
    return CaseExpectation{CaseExpectation::Mode::kError, nullptr, *want};
  }
  if (doc.contains("expect")) {
    if (!doc["expect"].is_object()) {
      *why = "expect must be an object";
      return std::nullopt;
    }
    return CaseExpectation{CaseExpectation::Mode::kHpa, doc["expect"], {}};
  }
  if (doc.contains("steps") && doc["steps"].is_array()) {
    json steps = json::array();
    bool any = false;
    for (const json& step : doc["steps"]) {
      const bool has = step.is_object() && step.contains("expect");
      any = any || has;
      steps.push_back(has ? step["expect"] : json(nullptr));
    }
    if (any) return CaseExpectation{CaseExpectation::Mode::kSteps, {{"steps", steps}}, {}};
  }
  *why = "the case has no expect, no steps[].expect and no expectError";
  return std::nullopt;
}

std::vector<Mismatch> check_run(const CaseExpectation& expectation, const RunOutput& run) {
  if (expectation.mode == CaseExpectation::Mode::kError) {
    return check_error(expectation.error, run);
  }
  std::vector<Mismatch> out;
  if (run.timed_out) {
    add(out, "run", "to finish within the time limit", "timed out");
    return out;
  }
  if (run.exit_code != 0) {
    add(out, "exitCode", "0",
        std::to_string(run.exit_code) + " (stderr: " + excerpt(run.err) + ")");
    return out;
  }
  json output = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (output.is_discarded()) {
    add(out, "stdout", "one JSON object", "\"" + excerpt(run.out) + "\"");
    return out;
  }
  if (expectation.mode == CaseExpectation::Mode::kHpa) {
    return compare_hpa_output(expectation.expect, output);
  }
  compare_json(expectation.expect, output, "", MissingKeys::kReport, out);
  return out;
}

std::string describe(std::string_view case_name, const std::vector<Mismatch>& mismatches) {
  std::string text;
  for (const Mismatch& m : mismatches) {
    text += std::string(case_name) + ": " + m.path + ": expected " + m.expected + ", got " + m.got +
            "\n";
  }
  return text;
}

}  // namespace userscale::testing
