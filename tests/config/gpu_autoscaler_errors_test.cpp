// Every kind of mistake in a GPUAutoscaler is rejected with the field path and the reason, and
// nothing else: each case asserts the complete list of errors, in document order. The rules
// are those the Kubernetes API applies to an HPA (pkg/apis/autoscaling/validation), plus
// userscale's own (types, unknown fields, policy, target type against its fields).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <ostream>
#include <string>
#include <vector>

#include "config/gpu_autoscaler_test_support.h"

namespace userscale::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct MistakeCase {
  const char* name;
  // A whole document when `whole_document`, else the body of `spec`.
  std::string yaml;
  std::vector<std::string> errors;
  bool whole_document = false;
};

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const MistakeCase& c, std::ostream* os) {
  *os << c.name;
}

std::string with_target(const std::string& rest) {
  return std::string(kTargetAndMax) + rest;
}

const std::vector<MistakeCase>& mistake_cases() {
  static const std::vector<MistakeCase> cases = {
      // --- replica bounds ---
      {"MissingMaxReplicas",
       "scaleTargetRef: {kind: Deployment, name: web}\n",
       {"spec.maxReplicas: missing required field"}},
      {"MaxReplicasZero",
       "scaleTargetRef: {kind: Deployment, name: web}\nmaxReplicas: 0\n",
       {"spec.maxReplicas: must be >= 1, got 0"}},
      {"MinReplicasNegative",
       with_target("minReplicas: -1\n"),
       {"spec.minReplicas: must be >= 0, got -1"}},
      {"MinAboveMax",
       "scaleTargetRef: {kind: Deployment, name: web}\nminReplicas: 3\nmaxReplicas: 2\n",
       {"spec.minReplicas: must be <= maxReplicas (2), got 3"}},
      {"MinZeroWithoutObjectOrExternalMetric",
       with_target(
           "minReplicas: 0\n"
           "metrics:\n"
           "- type: Resource\n"
           "  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n"),
       {"spec.minReplicas: may be 0 only when spec.metrics has an Object or External metric, "
        "got 0"}},

      // --- scalar types ---
      {"IntegerWrittenAsString",
       "scaleTargetRef: {kind: Deployment, name: web}\nmaxReplicas: \"5\"\n",
       {"spec.maxReplicas: expected integer, got string \"5\""}},
      {"IntegerWrittenAsDecimal",
       "scaleTargetRef: {kind: Deployment, name: web}\nmaxReplicas: 2.5\n",
       {"spec.maxReplicas: expected integer, got number 2.5"}},
      {"IntegerTooLarge",
       "scaleTargetRef: {kind: Deployment, name: web}\nmaxReplicas: 3000000000\n",
       {"spec.maxReplicas: must be a 32-bit integer, got 3000000000"}},
      {"MapWhereListExpected",
       with_target("metrics: {type: Resource}\n"),
       {"spec.metrics: expected list, got map"}},
      {"ListWhereMapExpected",
       "scaleTargetRef: [Deployment, web]\nmaxReplicas: 4\n",
       {"spec.scaleTargetRef: expected map, got list"}},
      {"NumberWhereStringExpected",
       "scaleTargetRef: {kind: Deployment, name: 42}\nmaxReplicas: 4\n",
       {"spec.scaleTargetRef.name: expected string, got integer 42"}},

      // --- unknown and duplicate fields ---
      {"UnknownFieldWithSuggestion",
       "scaleTargetRef: {kind: Deployment, name: web}\nmaxReplica: 4\n",
       {"spec.maxReplica: unknown field, did you mean \"maxReplicas\"?",
        "spec.maxReplicas: missing required field"}},
      {"UnknownFieldDifferentCase",
       with_target("minreplicas: 1\n"),
       {"spec.minreplicas: unknown field, did you mean \"minReplicas\"?"}},
      {"UnknownFieldWithoutSuggestion",
       with_target("replicasPerGpu: 2\n"),
       {"spec.replicasPerGpu: unknown field"}},
      {"UnknownFieldDeepInMetric",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource:\n"
                   "    name: cpu\n"
                   "    target: {type: Utilization, averageUtilisation: 50}\n"),
       {"spec.metrics[0].resource.target.averageUtilisation: unknown field, did you mean "
        "\"averageUtilization\"?",
        "spec.metrics[0].resource.target.averageUtilization: required when type is "
        "Utilization"}},
      {"DuplicateField", with_target("maxReplicas: 5\n"), {"spec.maxReplicas: duplicate field"}},

      // --- scaleTargetRef ---
      {"MissingScaleTargetRef",
       "maxReplicas: 4\n",
       {"spec.scaleTargetRef: missing required field"}},
      {"ScaleTargetRefWithoutKindAndEmptyName",
       "scaleTargetRef: {apiVersion: apps/v1, name: \"\"}\nmaxReplicas: 4\n",
       {"spec.scaleTargetRef.kind: missing required field",
        "spec.scaleTargetRef.name: must not be empty"}},
      {"ScaleTargetRefNameWithSlash",
       "scaleTargetRef: {kind: Deployment, name: web/v2}\nmaxReplicas: 4\n",
       {"spec.scaleTargetRef.name: must not contain '/' or '%', got \"web/v2\""}},

      // --- metric source ---
      {"MetricTypeMissing",
       with_target(
           "metrics:\n"
           "- resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n"),
       {"spec.metrics[0].type: missing required field"}},
      {"MetricTypeUnknown",
       with_target(
           "metrics:\n"
           "- type: Pod\n"
           "  pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 10}}\n"),
       {"spec.metrics[0].type: must be one of Resource, ContainerResource, Pods, Object, "
        "External, got \"Pod\" (did you mean \"Pods\"?)"}},
      {"MetricDetailsUnderTheWrongSource",
       with_target(
           "metrics:\n"
           "- type: Pods\n"
           "  resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n"),
       {"spec.metrics[0].pods: required when type is Pods",
        "spec.metrics[0].resource: not allowed when type is Pods"}},
      {"MetricNameMissing",
       with_target("metrics:\n"
                   "- type: Pods\n"
                   "  pods:\n"
                   "    metric: {selector: {matchLabels: {verb: GET}}}\n"
                   "    target: {type: AverageValue, averageValue: 10}\n"),
       {"spec.metrics[0].pods.metric.name: missing required field"}},
      {"ResourceNameMissing",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {target: {type: Utilization, averageUtilization: 50}}\n"),
       {"spec.metrics[0].resource.name: missing required field"}},
      {"ContainerResourceContainerMissingAndInvalid",
       with_target("metrics:\n"
                   "- type: ContainerResource\n"
                   "  containerResource:\n"
                   "    name: cpu\n"
                   "    target: {type: Utilization, averageUtilization: 60}\n"
                   "- type: ContainerResource\n"
                   "  containerResource:\n"
                   "    name: cpu\n"
                   "    container: Model_Server\n"
                   "    target: {type: Utilization, averageUtilization: 60}\n"),
       {"spec.metrics[0].containerResource.container: missing required field",
        "spec.metrics[1].containerResource.container: must be a lowercase RFC 1123 label (a-z, "
        "0-9 and '-', starting and ending with a letter or digit, at most 63 characters), got "
        "\"Model_Server\""}},
      {"ObjectWithoutDescribedObject",
       with_target("metrics:\n"
                   "- type: Object\n"
                   "  object:\n"
                   "    metric: {name: requests-per-second}\n"
                   "    target: {type: Value, value: 10k}\n"),
       {"spec.metrics[0].object.describedObject: missing required field"}},
      {"DescribedObjectWithoutKind",
       with_target("metrics:\n"
                   "- type: Object\n"
                   "  object:\n"
                   "    describedObject: {apiVersion: networking.k8s.io/v1, name: main-route}\n"
                   "    metric: {name: requests-per-second}\n"
                   "    target: {type: Value, value: 10k}\n"),
       {"spec.metrics[0].object.describedObject.kind: missing required field"}},

      // --- metric target ---
      {"TargetTypeMissing",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {name: cpu, target: {averageUtilization: 50}}\n"),
       {"spec.metrics[0].resource.target.type: missing required field"}},
      {"TargetTypeUnknown",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {name: cpu, target: {type: Percent, averageUtilization: 50}}\n"),
       {"spec.metrics[0].resource.target.type: must be one of Utilization, Value, AverageValue, "
        "got \"Percent\""}},
      {"UtilizationOnPodsMetric",
       with_target("metrics:\n"
                   "- type: Pods\n"
                   "  pods:\n"
                   "    metric: {name: DCGM_FI_DEV_GPU_UTIL}\n"
                   "    target: {type: Utilization, averageUtilization: 70}\n"),
       {"spec.metrics[0].pods.target.type: Utilization is only allowed for Resource and "
        "ContainerResource metrics"}},
      {"ValueOnResourceMetric",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {name: memory, target: {type: Value, value: 1Gi}}\n"),
       {"spec.metrics[0].resource.target.type: must be Utilization or AverageValue for Resource "
        "metrics, got \"Value\""}},
      {"ValueOnPodsMetric",
       with_target("metrics:\n"
                   "- type: Pods\n"
                   "  pods: {metric: {name: rps}, target: {type: Value, value: 10}}\n"),
       {"spec.metrics[0].pods.target.type: must be AverageValue for Pods metrics, got \"Value\""}},
      {"TargetFieldDoesNotMatchType",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {name: cpu, target: {type: Utilization, averageValue: 500m}}\n"),
       {"spec.metrics[0].resource.target.averageUtilization: required when type is Utilization",
        "spec.metrics[0].resource.target.averageValue: not allowed when type is Utilization"}},
      {"AverageUtilizationZero",
       with_target("metrics:\n"
                   "- type: Resource\n"
                   "  resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}\n"),
       {"spec.metrics[0].resource.target.averageUtilization: must be > 0, got 0"}},
      {"ValueNotPositive",
       with_target("metrics:\n"
                   "- type: External\n"
                   "  external: {metric: {name: queue_messages_ready}, target: {type: Value, "
                   "value: 0}}\n"
                   "- type: External\n"
                   "  external: {metric: {name: queue_messages_ready}, target: {type: "
                   "AverageValue, averageValue: \"-500m\"}}\n"),
       {"spec.metrics[0].external.target.value: must be > 0, got 0",
        "spec.metrics[1].external.target.averageValue: must be > 0, got -500m"}},
      {"BadQuantity",
       with_target("metrics:\n"
                   "- type: Pods\n"
                   "  pods:\n"
                   "    metric: {name: DCGM_FI_DEV_GPU_UTIL}\n"
                   "    target: {type: AverageValue, averageValue: 70%}\n"),
       {"spec.metrics[0].pods.target.averageValue: must be a quantity such as \"500m\", \"2\" or "
        "\"1Gi\", got \"70%\""}},

      // --- metric selector ---
      {"SelectorWrittenAsString",
       with_target("metrics:\n"
                   "- type: External\n"
                   "  external:\n"
                   "    metric: {name: queue_messages_ready, selector: \"queue=worker_tasks\"}\n"
                   "    target: {type: AverageValue, averageValue: 30}\n"),
       {"spec.metrics[0].external.metric.selector: expected map, got string "
        "\"queue=worker_tasks\""}},
      {"SelectorOperatorUnknown",
       with_target("metrics:\n"
                   "- type: External\n"
                   "  external:\n"
                   "    metric:\n"
                   "      name: queue_messages_ready\n"
                   "      selector:\n"
                   "        matchExpressions:\n"
                   "        - {key: queue, operator: in, values: [worker_tasks]}\n"
                   "    target: {type: AverageValue, averageValue: 30}\n"),
       {"spec.metrics[0].external.metric.selector.matchExpressions[0].operator: must be one of "
        "In, NotIn, Exists, DoesNotExist, got \"in\" (did you mean \"In\"?)"}},
      {"SelectorValuesInconsistentWithOperator",
       with_target("metrics:\n"
                   "- type: External\n"
                   "  external:\n"
                   "    metric:\n"
                   "      name: queue_messages_ready\n"
                   "      selector:\n"
                   "        matchExpressions:\n"
                   "        - {key: queue, operator: In}\n"
                   "        - {key: tier, operator: Exists, values: [gold]}\n"
                   "    target: {type: AverageValue, averageValue: 30}\n"),
       {"spec.metrics[0].external.metric.selector.matchExpressions[0].values: must not be empty "
        "when operator is In",
        "spec.metrics[0].external.metric.selector.matchExpressions[1].values: must be empty "
        "when operator is Exists"}},
      {"SelectorLabelValueInvalid",
       with_target("metrics:\n"
                   "- type: External\n"
                   "  external:\n"
                   "    metric: {name: queue_messages_ready, selector: {matchLabels: {queue: "
                   "worker tasks}}}\n"
                   "    target: {type: AverageValue, averageValue: 30}\n"),
       {"spec.metrics[0].external.metric.selector.matchLabels[queue]: must be at most 63 "
        "characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and ending with a letter or "
        "digit, got \"worker tasks\""}},

      // --- behavior ---
      {"StabilizationWindowOutOfRange",
       with_target("behavior:\n"
                   "  scaleUp: {stabilizationWindowSeconds: -1}\n"
                   "  scaleDown: {stabilizationWindowSeconds: 3601}\n"),
       {"spec.behavior.scaleUp.stabilizationWindowSeconds: must be 0..3600, got -1",
        "spec.behavior.scaleDown.stabilizationWindowSeconds: must be 0..3600, got 3601"}},
      {"SelectPolicyUnknown",
       with_target("behavior:\n"
                   "  scaleDown: {selectPolicy: max}\n"),
       {"spec.behavior.scaleDown.selectPolicy: must be one of Max, Min, Disabled, got \"max\" "
        "(did you mean \"Max\"?)"}},
      {"PoliciesEmpty",
       with_target("behavior:\n"
                   "  scaleUp: {policies: []}\n"),
       {"spec.behavior.scaleUp.policies: must not be empty (leave it out to use the default "
        "policies)"}},
      {"PolicyPeriodOutOfRange",
       with_target("behavior:\n"
                   "  scaleUp:\n"
                   "    policies:\n"
                   "    - {type: Pods, value: 4, periodSeconds: 0}\n"
                   "    - {type: Percent, value: 100, periodSeconds: 1801}\n"),
       {"spec.behavior.scaleUp.policies[0].periodSeconds: must be 1..1800, got 0",
        "spec.behavior.scaleUp.policies[1].periodSeconds: must be 1..1800, got 1801"}},
      {"PolicyValueNotPositive",
       with_target("behavior:\n"
                   "  scaleDown:\n"
                   "    policies:\n"
                   "    - {type: Percent, value: 0, periodSeconds: 60}\n"),
       {"spec.behavior.scaleDown.policies[0].value: must be > 0, got 0"}},
      {"PolicyTypeUnknownAndFieldMissing",
       with_target("behavior:\n"
                   "  scaleDown:\n"
                   "    policies:\n"
                   "    - {type: Percentage, value: 10}\n"),
       {"spec.behavior.scaleDown.policies[0].type: must be one of Pods, Percent, got "
        "\"Percentage\" (did you mean \"Percent\"?)",
        "spec.behavior.scaleDown.policies[0].periodSeconds: missing required field"}},
      {"ToleranceNegativeOrNotAQuantity",
       with_target("behavior:\n"
                   "  scaleUp: {tolerance: \"-0.1\"}\n"
                   "  scaleDown: {tolerance: 5%}\n"),
       {"spec.behavior.scaleUp.tolerance: must be >= 0, got -0.1",
        "spec.behavior.scaleDown.tolerance: must be a quantity such as \"500m\", \"2\" or "
        "\"1Gi\", got \"5%\""}},

      // --- policy and sync period ---
      {"PolicyNameUnknown",
       with_target("policy: {name: kpaa}\n"),
       {"spec.policy.name: must be one of hpa, hpa-gpu, userscale-score, ewma, latency, kpa, "
        "gpuaware, oracle, got \"kpaa\" (did you mean \"kpa\"?)"}},
      {"PolicyNameMissing",
       with_target("policy: {params: {alpha: 0.5}}\n"),
       {"spec.policy.name: missing required field"}},
      {"PolicyParamNotAScalar",
       with_target("policy:\n"
                   "  name: latency\n"
                   "  params:\n"
                   "    window: {seconds: 60}\n"
                   "    threshold_ms:\n"),
       {"spec.policy.params.window: expected a string, number or boolean, got map",
        "spec.policy.params.threshold_ms: expected a string, number or boolean, got null"}},
      {"SyncPeriodNotPositive",
       with_target("syncPeriodSeconds: 0\n"),
       {"spec.syncPeriodSeconds: must be > 0, got 0"}},
      {"SyncPeriodWithUnit",
       with_target("syncPeriodSeconds: 15s\n"),
       {"spec.syncPeriodSeconds: expected number, got string \"15s\""}},

      // --- the document around the spec ---
      {"ApiVersionWrong",
       "apiVersion: userscale.dev/v1\nkind: GPUAutoscaler\nmetadata: {name: web}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"apiVersion: must be \"userscale.dev/v1alpha1\" for kind GPUAutoscaler, got "
        "\"userscale.dev/v1\""},
       true},
      {"HpaApiVersionWrong",
       "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"apiVersion: must be \"autoscaling/v2\" or \"autoscaling/v2beta2\" for kind "
        "HorizontalPodAutoscaler, got \"autoscaling/v1\""},
       true},
      {"KindUnknown",
       "apiVersion: userscale.dev/v1alpha1\nkind: GpuAutoscaler\nmetadata: {name: web}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"kind: must be one of GPUAutoscaler, HorizontalPodAutoscaler, got \"GpuAutoscaler\" (did "
        "you mean \"GPUAutoscaler\"?)"},
       true},
      {"TopLevelFieldsMissing",
       "metadata: {name: web}\n",
       {"apiVersion: missing required field", "kind: missing required field",
        "spec: missing required field"},
       true},
      {"MetadataNameMissingAndNamespaceInvalid",
       "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\nmetadata: {namespace: Team_A}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"metadata.name: missing required field",
        "metadata.namespace: must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and "
        "ending with a letter or digit, at most 63 characters), got \"Team_A\""},
       true},
      {"MetadataNameInvalid",
       "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\nmetadata: {name: Web_App}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"metadata.name: must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting "
        "and ending with a letter or digit, at most 253 characters), got \"Web_App\""},
       true},
      {"LabelValueNotAString",
       "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\n"
       "metadata: {name: web, labels: {version: 2, team: ml}}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4}\n",
       {"metadata.labels[version]: expected string, got integer 2"},
       true},
      {"HpaDocumentWithGpuAutoscalerFields",
       "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
       "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 4, policy: {name: "
       "kpa}}\n",
       {"spec.policy: unknown field"},
       true},
      {"DocumentNotAMap",
       "- apiVersion: userscale.dev/v1alpha1\n",
       {"expected map, got list"},
       true},
      {"EmptyDocument",
       "# nothing but a comment\n",
       {"empty document, expected a GPUAutoscaler"},
       true},
      {"TwoDocuments",
       "apiVersion: userscale.dev/v1alpha1\n---\napiVersion: userscale.dev/v1alpha1\n",
       {"expected one YAML document, found 2"},
       true},
  };
  return cases;
}

class MistakeTest : public ::testing::TestWithParam<MistakeCase> {};

TEST_P(MistakeTest, ReportsExactlyTheseErrors) {
  const MistakeCase& c = GetParam();
  std::vector<std::string> errors = c.whole_document ? errors_of(c.yaml) : spec_errors(c.yaml);
  EXPECT_THAT(errors, ElementsAreArray(c.errors)) << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(GpuAutoscaler, MistakeTest, ::testing::ValuesIn(mistake_cases()),
                         [](const ::testing::TestParamInfo<MistakeCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(GpuAutoscalerErrors, CoversAtLeastTwentyFiveKindsOfMistake) {
  EXPECT_GE(mistake_cases().size(), 25u);
}

TEST(GpuAutoscalerErrors, ReportsEveryErrorOfOneDocumentInOrder) {
  const std::string yaml =
      "apiVersion: userscale.dev/v1alpha1\n"
      "kind: GPUAutoscaler\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  scaleTargetRef: {kind: Deployment}\n"
      "  minReplicas: 5\n"
      "  maxReplicas: 3\n"
      "  metrics:\n"
      "  - type: Pods\n"
      "    pods:\n"
      "      metric: {name: DCGM_FI_DEV_GPU_UTIL}\n"
      "      target: {type: Utilization, averageUtilization: 70}\n"
      "  behavior:\n"
      "    scaleUp:\n"
      "      selectPolicy: Fastest\n"
      "      policies:\n"
      "      - {type: Pods, value: 4, periodSeconds: 0}\n"
      "  policy: {name: ewma}\n"
      "  syncPeriodSecond: 5\n";
  EXPECT_THAT(
      errors_of(yaml),
      ElementsAre(
          "spec.syncPeriodSecond: unknown field, did you mean \"syncPeriodSeconds\"?",
          "spec.scaleTargetRef.name: missing required field",
          "spec.metrics[0].pods.target.type: Utilization is only allowed for Resource and "
          "ContainerResource metrics",
          "spec.behavior.scaleUp.selectPolicy: must be one of Max, Min, Disabled, got \"Fastest\"",
          "spec.behavior.scaleUp.policies[0].periodSeconds: must be 1..1800, got 0",
          "spec.minReplicas: must be <= maxReplicas (3), got 5"));
}

TEST(GpuAutoscalerErrors, SyntaxErrorNamesLineAndColumn) {
  // Line 4 opens a flow sequence that line 5 never closes.
  const std::string yaml =
      "apiVersion: userscale.dev/v1alpha1\n"
      "kind: GPUAutoscaler\n"
      "metadata: {name: web}\n"
      "spec: {maxReplicas: [1, 2}\n";
  std::vector<std::string> errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("YAML syntax error at line 4, column "));
}

TEST(GpuAutoscalerErrors, PathPrefixIsPutBeforeEveryPath) {
  YAML::Node doc = YAML::Load(
      "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\nmetadata: {name: web}\n"
      "spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 0}\n");
  auto parsed = parse_gpu_autoscaler(doc, "input.autoscaler");
  EXPECT_THAT(error_lines(parsed),
              ElementsAre("input.autoscaler.spec.maxReplicas: must be >= 1, got 0"));
}

TEST(GpuAutoscalerErrors, ToResultJoinsAllErrors) {
  auto parsed = parse_gpu_autoscaler_yaml(gpu_autoscaler_with_spec("maxReplicas: 0\n"));
  Result<GpuAutoscaler> result = parsed.to_result();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(),
            "spec.scaleTargetRef: missing required field; spec.maxReplicas: must be >= 1, got 0");
}

TEST(GpuAutoscalerErrors, UnreadableFileIsOneError) {
  auto parsed = load_gpu_autoscaler_file("/nonexistent/userscale/config.yaml");
  EXPECT_THAT(error_lines(parsed), ElementsAre("cannot read: No such file or directory"));
}

}  // namespace
}  // namespace userscale::testing
