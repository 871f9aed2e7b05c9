// The typed YAML reads under every GPUAutoscaler field: how scalars are typed (as Kubernetes
// reads a manifest), what each reader accepts, and the messages it gives.
#include "config/yaml_field_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace userscale {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

YAML::Node value_of(const std::string& yaml_value) {
  return YAML::Load("v: " + yaml_value)["v"];
}

std::vector<std::string> lines(const ErrorList& errors) {
  std::vector<std::string> out;
  for (const Error& e : errors) out.push_back(e.to_string());
  return out;
}

TEST(YamlKind, TypesScalarsAsAKubernetesManifestDoes) {
  EXPECT_EQ(yaml_kind(value_of("5")), YamlKind::Integer);
  EXPECT_EQ(yaml_kind(value_of("-12")), YamlKind::Integer);
  EXPECT_EQ(yaml_kind(value_of("+3")), YamlKind::Integer);
  EXPECT_EQ(yaml_kind(value_of("2.5")), YamlKind::Float);
  EXPECT_EQ(yaml_kind(value_of(".5")), YamlKind::Float);
  EXPECT_EQ(yaml_kind(value_of("1e3")), YamlKind::Float);
  EXPECT_EQ(yaml_kind(value_of(".inf")), YamlKind::Float);
  EXPECT_EQ(yaml_kind(value_of("true")), YamlKind::Bool);
  EXPECT_EQ(yaml_kind(value_of("off")), YamlKind::Bool);
  EXPECT_EQ(yaml_kind(value_of("~")), YamlKind::Null);
  EXPECT_EQ(yaml_kind(value_of("null")), YamlKind::Null);
  EXPECT_EQ(yaml_kind(value_of("")), YamlKind::Null);
  EXPECT_EQ(yaml_kind(value_of("web")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("500m")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("1.2.3")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("\"5\"")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("'true'")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("!!str 5")), YamlKind::String);
  EXPECT_EQ(yaml_kind(value_of("[1, 2]")), YamlKind::List);
  EXPECT_EQ(yaml_kind(value_of("{a: 1}")), YamlKind::Map);
}

TEST(YamlKind, DescribesValuesForMessages) {
  EXPECT_EQ(describe_value(value_of("\"5\"")), "string \"5\"");
  EXPECT_EQ(describe_value(value_of("5")), "integer 5");
  EXPECT_EQ(describe_value(value_of("2.5")), "number 2.5");
  EXPECT_EQ(describe_value(value_of("yes")), "boolean yes");
  EXPECT_EQ(describe_value(value_of("[1]")), "list");
  EXPECT_EQ(describe_value(value_of("{}")), "map");
  EXPECT_EQ(describe_value(value_of("~")), "null");
}

TEST(YamlKind, QuotesLongOrControlTextOnOneLine) {
  EXPECT_EQ(describe_value(value_of("\"a\\tb\"")), "string \"a?b\"");
  EXPECT_EQ(describe_value(value_of(std::string(70, 'x'))),
            "string \"" + std::string(60, 'x') + "...\"");
}

TEST(FieldPaths, FollowTheKubernetesForm) {
  EXPECT_EQ(field_path("", "spec"), "spec");
  EXPECT_EQ(field_path("spec", "maxReplicas"), "spec.maxReplicas");
  EXPECT_EQ(item_path("spec.metrics", 3), "spec.metrics[3]");
  EXPECT_EQ(key_path("metadata.labels", "app.kubernetes.io/name"),
            "metadata.labels[app.kubernetes.io/name]");
}

TEST(ReadInt32, AcceptsOnlyIntegersInRange) {
  ErrorList errors;
  EXPECT_EQ(read_int32(value_of("2147483647"), "a", errors), 2147483647);
  EXPECT_EQ(read_int32(value_of("-2147483648"), "b", errors), -2147483648LL);
  EXPECT_EQ(read_int32(value_of("+7"), "c", errors), 7);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(read_int32(value_of("2147483648"), "d", errors).has_value());
  EXPECT_FALSE(read_int32(value_of("true"), "e", errors).has_value());
  EXPECT_FALSE(read_int32(value_of("{}"), "f", errors).has_value());
  EXPECT_THAT(lines(errors),
              ElementsAre("d: must be a 32-bit integer, got 2147483648",
                          "e: expected integer, got boolean true", "f: expected integer, got map"));
}

TEST(ReadNumber, AcceptsIntegersAndFiniteDecimals) {
  ErrorList errors;
  EXPECT_DOUBLE_EQ(read_number(value_of("15"), "a", errors).value_or(-1), 15.0);
  EXPECT_DOUBLE_EQ(read_number(value_of("0.25"), "b", errors).value_or(-1), 0.25);
  EXPECT_DOUBLE_EQ(read_number(value_of("1.5e1"), "c", errors).value_or(-1), 15.0);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(read_number(value_of(".nan"), "d", errors).has_value());
  EXPECT_FALSE(read_number(value_of("\"15\""), "e", errors).has_value());
  EXPECT_THAT(lines(errors), ElementsAre("d: must be a finite number, got .nan",
                                         "e: expected number, got string \"15\""));
}

TEST(ReadQuantity, TakesStringsAndNumbers) {
  ErrorList errors;
  auto a = read_quantity(value_of("\"1500m\""), "a", errors);
  auto b = read_quantity(value_of("2"), "b", errors);
  auto c = read_quantity(value_of("1Ki"), "c", errors);
  EXPECT_THAT(errors, IsEmpty());
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->parsed.milli, 1500);
  EXPECT_EQ(a->text, "1500m");
  EXPECT_EQ(b->parsed.milli, 2000);
  EXPECT_EQ(c->parsed.milli, 1024000);
  EXPECT_FALSE(read_quantity(value_of("1.5 cores"), "d", errors).has_value());
  EXPECT_FALSE(read_quantity(value_of("[1]"), "e", errors).has_value());
  EXPECT_THAT(lines(errors),
              ElementsAre("d: must be a quantity such as \"500m\", \"2\" or \"1Gi\", got \"1.5 "
                          "cores\"",
                          "e: expected quantity, got list"));
}

TEST(ReadEnum, ComparesExactlyAndSuggests) {
  ErrorList errors;
  const std::vector<std::string_view> allowed = {"Pods", "Percent"};
  EXPECT_EQ(read_enum(value_of("Percent"), allowed, "a", errors), 1u);
  EXPECT_FALSE(read_enum(value_of("pods"), allowed, "b", errors).has_value());
  EXPECT_FALSE(read_enum(value_of("Replicas"), allowed, "c", errors).has_value());
  EXPECT_THAT(lines(errors),
              ElementsAre("b: must be one of Pods, Percent, got \"pods\" (did you mean \"Pods\"?)",
                          "c: must be one of Pods, Percent, got \"Replicas\""));
}

TEST(MapReader, ReportsShapeUnknownAndDuplicateFieldsAtConstruction) {
  ErrorList errors;
  YAML::Node node = YAML::Load("name: a\nnmae: b\nname: c\n");
  MapReader r(node, "spec.policy", {"name", "params"}, errors);
  EXPECT_TRUE(r.is_map());
  EXPECT_THAT(lines(errors), ElementsAre("spec.policy.nmae: unknown field, did you mean \"name\"?",
                                         "spec.policy.name: duplicate field"));
  EXPECT_EQ(r.string("name"), "a");  // the first occurrence
}

TEST(MapReader, NotAMapIsOneErrorAndNoMissingFieldNoise) {
  ErrorList errors;
  MapReader r(YAML::Load("[a, b]"), "spec.behavior", {"scaleUp"}, errors);
  EXPECT_FALSE(r.is_map());
  EXPECT_FALSE(r.node("scaleUp", Need::kRequired).has_value());
  EXPECT_THAT(lines(errors), ElementsAre("spec.behavior: expected map, got list"));
}

TEST(MapReader, RequiredFieldsAndNulls) {
  ErrorList errors;
  MapReader r(YAML::Load("kind: ~\nname: \"\"\n"), "ref", {"kind", "name", "apiVersion"}, errors);
  EXPECT_FALSE(r.string("kind", Need::kRequired).has_value());
  EXPECT_FALSE(r.string("name", Need::kRequired).has_value());
  EXPECT_FALSE(r.string("apiVersion").has_value());
  EXPECT_FALSE(r.has("kind"));
  EXPECT_THAT(lines(errors),
              ElementsAre("ref.kind: missing required field", "ref.name: must not be empty"));
}

TEST(MapReader, AskingForAnUndeclaredFieldIsAProgrammingError) {
  ErrorList errors;
  MapReader r(YAML::Load("a: 1\n"), "x", {"a"}, errors);
  EXPECT_THROW(r.node("b"), std::logic_error);
}

}  // namespace
}  // namespace userscale
