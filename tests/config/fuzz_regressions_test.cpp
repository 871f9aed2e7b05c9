// Inputs the fuzzers (tests/fuzz) found that broke the config layer, kept as unit tests. Each
// input is also in its fuzzer's seed corpus (tests/fuzz/<target>/corpus/regression-*).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "config/gpu_autoscaler.h"
#include "config/hpa_case.h"
#include "config/policy_case.h"
#include "config/trace.h"
#include "config/yaml_stream.h"

namespace userscale::config {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(USERSCALE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// yaml-cpp 0.7's LoadAll yields empty documents forever on these streams; `userscale validate`
// hung, allocating, until memory ran out. They are syntax errors now.
TEST(FuzzRegressions, YamlStreamsWithoutEndAreSyntaxErrors) {
  const std::string fuzzer_input =
      read_file("tests/fuzz/gpu_autoscaler/corpus/regression-yaml-cpp-endless-documents.yaml");
  ASSERT_NE(fuzzer_input.find('\0'), std::string::npos) << "the corpus file is missing";
  for (const std::string& text : {std::string(","), std::string("\n,\n"), fuzzer_input}) {
    EXPECT_FALSE(yaml_documents_end(text));
    const auto parsed = parse_gpu_autoscaler_yaml(text);
    ASSERT_FALSE(parsed.ok());
    ASSERT_EQ(parsed.errors().size(), 1u);
    EXPECT_EQ(parsed.errors()[0].message,
              "YAML syntax error: the parser found no end of the stream");
  }
  // Streams that end are untouched, empty documents and syntax errors included.
  for (const char* text : {"", "a: 1\n", "---\n---\n---\n", "a: 1\n---\nb: 2\n", "a: [\n", "[:"}) {
    EXPECT_TRUE(yaml_documents_end(text)) << text;
  }
  EXPECT_EQ(parse_gpu_autoscaler_yaml("a: 1\n---\nb: 2\n").errors()[0].message,
            "expected one YAML document, found 2");
}

// from_chars reads "nan" and "inf": a NaN time or count went into the trace unnoticed.
TEST(FuzzRegressions, TraceNumbersMustBeFinite) {
  const auto nan_count =
      parse_trace(read_file("tests/fuzz/trace/corpus/regression-nan-count.csv"), "t.csv");
  ASSERT_FALSE(nan_count.ok());
  EXPECT_EQ(nan_count.error().to_string(), "t.csv:2: count: not a non-negative number");
  const auto nan_time = parse_trace("t_s,input_tokens,output_tokens\nnan,1,1\n", "t.csv");
  ASSERT_FALSE(nan_time.ok());
  EXPECT_EQ(nan_time.error().to_string(), "t.csv:2: t_s: not a non-negative number");
  EXPECT_FALSE(parse_trace("t_s,input_tokens,output_tokens\n0,1,1\ninf,1,1\n", "t.csv").ok());
  EXPECT_FALSE(parse_trace("minute,count\n0,inf\n", "t.csv").ok());
  EXPECT_FALSE(parse_trace("minute,count\nnan,1\n", "t.csv").ok());
  EXPECT_TRUE(parse_trace("minute,count\n0,1e3\n1,0.5\n", "t.csv").ok());
}

// An HPA with minReplicas above maxReplicas (the API server rejects it) was accepted, and a
// decision then broke one of the bounds: 3 replicas, min 4, max 2 -> 2.
TEST(FuzzRegressions, HpaCaseMinReplicasAboveMaxIsRejected) {
  nlohmann::json doc = nlohmann::json::parse(read_file("tests/cases/hpa/max-replicas.json"));
  doc["input"]["hpa"]["spec"]["minReplicas"] = 4;
  doc["input"]["hpa"]["spec"]["maxReplicas"] = 2;
  const auto parsed = parse_hpa_case(doc);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().to_string(),
            "input.hpa.spec.minReplicas: must be <= maxReplicas (2), got 4");
  doc["input"]["hpa"]["spec"]["minReplicas"] = 2;
  EXPECT_TRUE(parse_hpa_case(doc).ok());
}

// A policy case's config goes JSON -> text -> YAML. yaml-cpp throws on keys over 1024
// characters and on nesting past its depth guard; `userscale decide` ended with an uncaught
// exception (abort). Both are errors on `config` now; the same files are real-binary cases in
// tests/cases/policy/malformed-config-{long-key,deep}.json (where decide's depth limit,
// tests/cli/fuzz_regressions_test.cpp, answers the deep one first).
TEST(FuzzRegressions, PolicyCaseConfigThatYamlCannotReadIsAnError) {
  for (const char* file :
       {"regression-policy-config-long-key.json", "regression-policy-config-deep.json"}) {
    const nlohmann::json doc =
        nlohmann::json::parse(read_file(std::string("tests/fuzz/decision_case/corpus/") + file));
    const auto out = evaluate_policy_case(doc, nullptr);
    ASSERT_FALSE(out.ok()) << file;
    EXPECT_EQ(out.error().path, "config") << file;
  }
  nlohmann::json fine = nlohmann::json::parse(
      read_file("tests/fuzz/decision_case/corpus/regression-policy-config-deep.json"));
  fine["config"].erase("extra");
  EXPECT_TRUE(evaluate_policy_case(fine, nullptr).ok());
}

}  // namespace
}  // namespace userscale::config
