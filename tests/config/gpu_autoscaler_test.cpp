// Valid GPUAutoscaler and autoscaling/v2 HPA documents read into the AutoscalerSpec the policies
// use: every field lands where it belongs, with the API's defaults where a field is left out.
#include "config/gpu_autoscaler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/gpu_autoscaler_test_support.h"

namespace userscale::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

GpuAutoscaler parse_ok(std::string_view yaml) {
  auto parsed = parse_gpu_autoscaler_yaml(yaml);
  EXPECT_THAT(error_lines(parsed), IsEmpty()) << yaml;
  if (!parsed.ok()) return {};
  return parsed.value();
}

// Every metric source type, every target type, a selector of both kinds, behavior in both
// directions, a policy with parameters of each scalar kind.
constexpr std::string_view kFullGpuAutoscaler = R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata:
  name: llm-serving
  namespace: inference
  labels:
    app.kubernetes.io/name: llm-serving
    tier: gpu
  annotations:
    userscale.dev/owner: "ml-platform team"
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: llm-serving
  minReplicas: 2
  maxReplicas: 12
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 60
  - type: ContainerResource
    containerResource:
      name: memory
      container: model-server
      target:
        type: AverageValue
        averageValue: 12Gi
  - type: Pods
    pods:
      metric:
        name: DCGM_FI_DEV_GPU_UTIL
        selector:
          matchLabels:
            gpu: a100
      target:
        type: AverageValue
        averageValue: 70
  - type: Object
    object:
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: main-route
      metric:
        name: requests-per-second
      target:
        type: Value
        value: 10k
  - type: External
    external:
      metric:
        name: queue_messages_ready
        selector:
          matchExpressions:
          - key: queue
            operator: In
            values: [prompts, batch]
          - key: canary
            operator: DoesNotExist
      target:
        type: AverageValue
        averageValue: 500m
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      tolerance: "0.05"
      policies:
      - type: Percent
        value: 100
        periodSeconds: 15
      - type: Pods
        value: 4
        periodSeconds: 15
    scaleDown:
      stabilizationWindowSeconds: 300
      selectPolicy: Disabled
  policy:
    name: ewma
    params:
      alpha: 0.6
      cooldown_period: 30s
      signals: users,gpu
      adaptive: true
  syncPeriodSeconds: 2.5
)";

TEST(GpuAutoscaler, ReadsMetadata) {
  GpuAutoscaler a = parse_ok(kFullGpuAutoscaler);
  EXPECT_EQ(a.api_version, "userscale.dev/v1alpha1");
  EXPECT_EQ(a.kind, "GPUAutoscaler");
  EXPECT_EQ(a.metadata.name, "llm-serving");
  EXPECT_EQ(a.metadata.namespace_name, "inference");
  EXPECT_THAT(a.metadata.labels,
              ElementsAre(Pair("app.kubernetes.io/name", "llm-serving"), Pair("tier", "gpu")));
  EXPECT_THAT(a.metadata.annotations, ElementsAre(Pair("userscale.dev/owner", "ml-platform team")));
}

TEST(GpuAutoscaler, ReadsTargetAndBounds) {
  const AutoscalerSpec spec = parse_ok(kFullGpuAutoscaler).spec;
  EXPECT_EQ(spec.scale_target_ref.api_version, "apps/v1");
  EXPECT_EQ(spec.scale_target_ref.kind, "Deployment");
  EXPECT_EQ(spec.scale_target_ref.name, "llm-serving");
  EXPECT_EQ(spec.min_replicas, 2);
  EXPECT_EQ(spec.max_replicas, 12);
  EXPECT_DOUBLE_EQ(spec.sync_period_seconds, 2.5);
}

TEST(GpuAutoscaler, ReadsResourceAndContainerResourceMetrics) {
  const AutoscalerSpec spec = parse_ok(kFullGpuAutoscaler).spec;
  ASSERT_EQ(spec.metrics.size(), 5u);
  const MetricSpec& cpu = spec.metrics[0];
  EXPECT_EQ(cpu.type, MetricSourceType::Resource);
  EXPECT_EQ(cpu.type_name, "Resource");
  EXPECT_EQ(cpu.name, "cpu");
  EXPECT_EQ(cpu.target.type, MetricTargetType::Utilization);
  EXPECT_EQ(cpu.target.average_utilization, 60);
  EXPECT_FALSE(cpu.target.value_milli.has_value());
  EXPECT_FALSE(cpu.target.average_value_milli.has_value());

  const MetricSpec& memory = spec.metrics[1];
  EXPECT_EQ(memory.type, MetricSourceType::ContainerResource);
  EXPECT_EQ(memory.name, "memory");
  EXPECT_EQ(memory.container, "model-server");
  EXPECT_EQ(memory.target.type, MetricTargetType::AverageValue);
  // 12Gi = 12 * 2^30 bytes, held in milli-units.
  EXPECT_EQ(memory.target.average_value_milli, 12LL * (1LL << 30) * 1000);
}

TEST(GpuAutoscaler, ReadsPodsObjectAndExternalMetrics) {
  const AutoscalerSpec spec = parse_ok(kFullGpuAutoscaler).spec;
  ASSERT_EQ(spec.metrics.size(), 5u);
  const MetricSpec& gpu = spec.metrics[2];
  EXPECT_EQ(gpu.type, MetricSourceType::Pods);
  EXPECT_EQ(gpu.name, "DCGM_FI_DEV_GPU_UTIL");
  ASSERT_TRUE(gpu.selector.has_value());
  EXPECT_THAT(gpu.selector->match_labels, ElementsAre(Pair("gpu", "a100")));
  EXPECT_EQ(gpu.target.type, MetricTargetType::AverageValue);
  EXPECT_EQ(gpu.target.average_value_milli, 70000);

  const MetricSpec& rps = spec.metrics[3];
  EXPECT_EQ(rps.type, MetricSourceType::Object);
  EXPECT_EQ(rps.name, "requests-per-second");
  EXPECT_EQ(rps.described_object.api_version, "networking.k8s.io/v1");
  EXPECT_EQ(rps.described_object.kind, "Ingress");
  EXPECT_EQ(rps.described_object.name, "main-route");
  EXPECT_FALSE(rps.selector.has_value());
  EXPECT_EQ(rps.target.type, MetricTargetType::Value);
  EXPECT_EQ(rps.target.value_milli, 10'000'000);

  const MetricSpec& queue = spec.metrics[4];
  EXPECT_EQ(queue.type, MetricSourceType::External);
  EXPECT_EQ(queue.name, "queue_messages_ready");
  ASSERT_TRUE(queue.selector.has_value());
  ASSERT_EQ(queue.selector->match_expressions.size(), 2u);
  EXPECT_EQ(queue.selector->match_expressions[0].key, "queue");
  EXPECT_EQ(queue.selector->match_expressions[0].op, SelectorOp::In);
  EXPECT_THAT(queue.selector->match_expressions[0].values, ElementsAre("prompts", "batch"));
  EXPECT_EQ(queue.selector->match_expressions[1].key, "canary");
  EXPECT_EQ(queue.selector->match_expressions[1].op, SelectorOp::DoesNotExist);
  EXPECT_TRUE(queue.selector->match_expressions[1].values.empty());
  EXPECT_EQ(queue.target.average_value_milli, 500);
}

TEST(GpuAutoscaler, ReadsBehaviorAsWritten) {
  const AutoscalerSpec spec = parse_ok(kFullGpuAutoscaler).spec;
  ASSERT_TRUE(spec.behavior.has_value());
  ASSERT_TRUE(spec.behavior->scale_up.has_value());
  const ScalingRules& up = *spec.behavior->scale_up;
  EXPECT_EQ(up.stabilization_window_seconds, 0);
  EXPECT_EQ(up.select_policy, SelectPolicy::Max);
  ASSERT_TRUE(up.tolerance.has_value());
  EXPECT_DOUBLE_EQ(*up.tolerance, 0.05);
  ASSERT_TRUE(up.policies.has_value());
  ASSERT_EQ(up.policies->size(), 2u);
  EXPECT_EQ((*up.policies)[0].type, ScalingPolicyType::Percent);
  EXPECT_EQ((*up.policies)[0].value, 100);
  EXPECT_EQ((*up.policies)[0].period_seconds, 15);
  EXPECT_EQ((*up.policies)[1].type, ScalingPolicyType::Pods);
  EXPECT_EQ((*up.policies)[1].value, 4);

  ASSERT_TRUE(spec.behavior->scale_down.has_value());
  const ScalingRules& down = *spec.behavior->scale_down;
  EXPECT_EQ(down.stabilization_window_seconds, 300);
  EXPECT_EQ(down.select_policy, SelectPolicy::Disabled);
  // Left out: resolve_behavior fills the API defaults later.
  EXPECT_FALSE(down.policies.has_value());
  EXPECT_FALSE(down.tolerance.has_value());
}

TEST(GpuAutoscaler, KeepsPolicyParametersAsText) {
  const AutoscalerSpec spec = parse_ok(kFullGpuAutoscaler).spec;
  EXPECT_EQ(spec.policy.name, "ewma");
  EXPECT_THAT(spec.policy.params,
              ElementsAre(Pair("adaptive", "true"), Pair("alpha", "0.6"),
                          Pair("cooldown_period", "30s"), Pair("signals", "users,gpu")));
}

TEST(GpuAutoscaler, DefaultsWhenFieldsAreLeftOut) {
  const AutoscalerSpec spec = parse_ok(gpu_autoscaler_with_spec(kTargetAndMax)).spec;
  EXPECT_FALSE(spec.min_replicas.has_value());
  EXPECT_EQ(spec.effective_min_replicas(), 1);
  EXPECT_EQ(spec.max_replicas, 4);
  EXPECT_FALSE(spec.behavior.has_value());
  EXPECT_EQ(spec.policy.name, "hpa");
  EXPECT_TRUE(spec.policy.params.empty());
  EXPECT_DOUBLE_EQ(spec.sync_period_seconds, 15.0);
  // The API server's default for an HPA without metrics: CPU at 80 % utilization.
  ASSERT_EQ(spec.metrics.size(), 1u);
  EXPECT_EQ(spec.metrics[0].type, MetricSourceType::Resource);
  EXPECT_EQ(spec.metrics[0].name, "cpu");
  EXPECT_EQ(spec.metrics[0].target.type, MetricTargetType::Utilization);
  EXPECT_EQ(spec.metrics[0].target.average_utilization, 80);
}

TEST(GpuAutoscaler, AnEmptyMetricListAlsoGetsTheDefault) {
  const AutoscalerSpec spec =
      parse_ok(gpu_autoscaler_with_spec(std::string(kTargetAndMax) + "metrics: []\n")).spec;
  ASSERT_EQ(spec.metrics.size(), 1u);
  EXPECT_EQ(spec.metrics[0].name, "cpu");
  EXPECT_EQ(spec.metrics[0].target.average_utilization, 80);
}

TEST(GpuAutoscaler, NoDefaultMetricForPoliciesThatReadTheirOwnSignals) {
  const AutoscalerSpec spec =
      parse_ok(gpu_autoscaler_with_spec(std::string(kTargetAndMax) + "policy: {name: latency}\n"))
          .spec;
  EXPECT_EQ(spec.policy.name, "latency");
  EXPECT_TRUE(spec.metrics.empty());
}

TEST(GpuAutoscaler, MinReplicasZeroWithAnExternalMetric) {
  const AutoscalerSpec spec =
      parse_ok(gpu_autoscaler_with_spec("scaleTargetRef: {kind: Deployment, name: worker}\n"
                                        "minReplicas: 0\n"
                                        "maxReplicas: 10\n"
                                        "metrics:\n"
                                        "- type: External\n"
                                        "  external:\n"
                                        "    metric: {name: queue_messages_ready}\n"
                                        "    target: {type: AverageValue, averageValue: 30}\n"))
          .spec;
  EXPECT_EQ(spec.min_replicas, 0);
}

TEST(GpuAutoscaler, MinReplicasZeroForKpaNeedsNoHpaMetric) {
  // Scale to zero is the KPA's own business (activator, grace period), not the HPA's rule.
  const AutoscalerSpec spec =
      parse_ok(gpu_autoscaler_with_spec("scaleTargetRef: {kind: Deployment, name: web}\n"
                                        "minReplicas: 0\n"
                                        "maxReplicas: 10\n"
                                        "policy: {name: kpa}\n"))
          .spec;
  EXPECT_EQ(spec.min_replicas, 0);
  EXPECT_EQ(spec.policy.name, "kpa");
}

TEST(GpuAutoscaler, QuotedAndPlainQuantitiesAreTheSame) {
  auto average_value = [](std::string_view written) {
    std::string spec = std::string(kTargetAndMax) +
                       "metrics:\n"
                       "- type: Pods\n"
                       "  pods:\n"
                       "    metric: {name: DCGM_FI_DEV_GPU_UTIL}\n"
                       "    target: {type: AverageValue, averageValue: " +
                       std::string(written) + "}\n";
    auto a = parse_ok(gpu_autoscaler_with_spec(spec));
    return a.spec.metrics.empty() ? -1 : a.spec.metrics[0].target.average_value_milli.value_or(-1);
  };
  EXPECT_EQ(average_value("70"), 70000);
  EXPECT_EQ(average_value("\"70\""), 70000);
  EXPECT_EQ(average_value("70.5"), 70500);
  EXPECT_EQ(average_value("1500m"), 1500);
  EXPECT_EQ(average_value("1e3"), 1'000'000);
}

TEST(GpuAutoscaler, AcceptsFieldsTheApiServerWrites) {
  // `kubectl get -o yaml` adds server-set metadata and a status; both read as they are.
  GpuAutoscaler a = parse_ok(R"(apiVersion: userscale.dev/v1alpha1
kind: GPUAutoscaler
metadata:
  name: web
  namespace: default
  uid: 5e1f8c1e-9a43-4d54-9b2f-0d1c55b4f1e0
  resourceVersion: "48213"
  generation: 3
  creationTimestamp: "2025-06-01T12:00:00Z"
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 4
status:
  currentReplicas: 2
  desiredReplicas: 3
)");
  EXPECT_EQ(a.metadata.name, "web");
  EXPECT_EQ(a.spec.max_replicas, 4);
}

// The multi-metric example of the Kubernetes documentation ("Autoscaling on multiple metrics
// and custom metrics", tasks/run-application/horizontal-pod-autoscale-walkthrough), as
// `kubectl edit` shows it, status included, pasted unchanged.
constexpr std::string_view kWalkthroughHpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
  - type: Pods
    pods:
      metric:
        name: packets-per-second
      target:
        type: AverageValue
        averageValue: 1k
  - type: Object
    object:
      metric:
        name: requests-per-second
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: main-route
      target:
        type: Value
        value: 10k
status:
  observedGeneration: 1
  lastScaleTime: <some-time>
  currentReplicas: 1
  desiredReplicas: 1
  currentMetrics:
  - type: Resource
    resource:
      name: cpu
    current:
      averageUtilization: 0
      averageValue: 0
  - type: Object
    object:
      metric:
        name: requests-per-second
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: main-route
      current:
        value: 10k
)";

TEST(GpuAutoscaler, ReadsAKubernetesHpaManifestUnchanged) {
  GpuAutoscaler a = parse_ok(kWalkthroughHpa);
  EXPECT_EQ(a.kind, "HorizontalPodAutoscaler");
  EXPECT_EQ(a.api_version, "autoscaling/v2");
  EXPECT_EQ(a.metadata.name, "php-apache");
  EXPECT_EQ(a.spec.policy.name, "hpa");
  EXPECT_DOUBLE_EQ(a.spec.sync_period_seconds, 15.0);
  EXPECT_EQ(a.spec.min_replicas, 1);
  EXPECT_EQ(a.spec.max_replicas, 10);
  ASSERT_EQ(a.spec.metrics.size(), 3u);
  EXPECT_EQ(a.spec.metrics[0].target.average_utilization, 50);
  EXPECT_EQ(a.spec.metrics[1].name, "packets-per-second");
  EXPECT_EQ(a.spec.metrics[1].target.average_value_milli, 1'000'000);
  EXPECT_EQ(a.spec.metrics[2].described_object.name, "main-route");
  EXPECT_EQ(a.spec.metrics[2].target.value_milli, 10'000'000);
}

TEST(GpuAutoscaler, HpaSpecPastesIntoAGpuAutoscalerUnchanged) {
  // The same spec block under a GPUAutoscaler header reads into the same AutoscalerSpec.
  std::string text(kWalkthroughHpa);
  std::string spec_block =
      text.substr(text.find("spec:\n"), text.find("status:\n") - text.find("spec:\n"));
  GpuAutoscaler hpa = parse_ok(kWalkthroughHpa);
  GpuAutoscaler gpu = parse_ok(
      "apiVersion: userscale.dev/v1alpha1\nkind: GPUAutoscaler\nmetadata: {name: php-apache}\n" +
      spec_block);
  ASSERT_EQ(gpu.spec.metrics.size(), hpa.spec.metrics.size());
  for (std::size_t i = 0; i < gpu.spec.metrics.size(); ++i) {
    EXPECT_EQ(gpu.spec.metrics[i].type, hpa.spec.metrics[i].type);
    EXPECT_EQ(gpu.spec.metrics[i].name, hpa.spec.metrics[i].name);
    EXPECT_EQ(gpu.spec.metrics[i].target.type, hpa.spec.metrics[i].target.type);
    EXPECT_EQ(gpu.spec.metrics[i].target.average_utilization,
              hpa.spec.metrics[i].target.average_utilization);
    EXPECT_EQ(gpu.spec.metrics[i].target.value_milli, hpa.spec.metrics[i].target.value_milli);
    EXPECT_EQ(gpu.spec.metrics[i].target.average_value_milli,
              hpa.spec.metrics[i].target.average_value_milli);
  }
  EXPECT_EQ(gpu.spec.min_replicas, hpa.spec.min_replicas);
  EXPECT_EQ(gpu.spec.max_replicas, hpa.spec.max_replicas);
  EXPECT_EQ(gpu.spec.scale_target_ref.name, hpa.spec.scale_target_ref.name);
}

TEST(GpuAutoscaler, ReadsTheDocumentedDefaultBehaviorAndV2beta2) {
  // The default `behavior` as the Kubernetes documentation spells it out ("Default Behavior",
  // concepts/workloads/autoscaling/horizontal-pod-autoscale), in an autoscaling/v2beta2 HPA.
  GpuAutoscaler a = parse_ok(R"(apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  maxReplicas: 10
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - type: Percent
        value: 100
        periodSeconds: 15
    scaleUp:
      stabilizationWindowSeconds: 0
      policies:
      - type: Percent
        value: 100
        periodSeconds: 15
      - type: Pods
        value: 4
        periodSeconds: 15
      selectPolicy: Max
)");
  ASSERT_TRUE(a.spec.behavior.has_value());
  ASSERT_TRUE(a.spec.behavior->scale_down.has_value());
  EXPECT_EQ(a.spec.behavior->scale_down->stabilization_window_seconds, 300);
  ASSERT_TRUE(a.spec.behavior->scale_up.has_value());
  ASSERT_TRUE(a.spec.behavior->scale_up->policies.has_value());
  EXPECT_EQ(a.spec.behavior->scale_up->policies->size(), 2u);
  EXPECT_EQ(a.spec.behavior->scale_up->select_policy, SelectPolicy::Max);
}

}  // namespace
}  // namespace userscale::testing
