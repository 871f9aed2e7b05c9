// Scenario files: every example parses; every error names its field path and reason, all at
// once; traces are read and checked.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/scenario.h"
#include "config/trace.h"

namespace userscale::config {
namespace {

const char* kMinimal = R"(
name: t
duration: 60s
cluster:
  nodes:
    - {gpu: {memory: 4Gi}, gpus: 1, count: 1}
service: {workload: sort}
load: {kind: closed, users: 3}
autoscaler:
  apiVersion: userscale.dev/v1alpha1
  kind: GPUAutoscaler
  metadata: {name: t}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
    maxReplicas: 3
    policy: {name: hpa}
)";

TEST(Scenario, EveryExampleParses) {
  const std::filesystem::path dir = std::string(USERSCALE_SOURCE_DIR) + "/examples/scenarios";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++n;
    auto sc = load_scenario(entry.path().string());
    EXPECT_TRUE(sc.ok()) << entry.path() << ": " << (sc.ok() ? "" : sc.error().message);
  }
  EXPECT_GE(n, 7);
}

TEST(Scenario, MinimalDocumentGetsTheProfileDefaults) {
  auto sc = parse_scenario(kMinimal);
  ASSERT_TRUE(sc.ok()) << sc.error().message;
  EXPECT_EQ(sc->duration, 60.0);
  EXPECT_EQ(sc->cluster.pools.at(0).gpu_memory_bytes, 4.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(sc->service.workload, "sort");
  EXPECT_EQ(sc->service.gpu_cost.kind, DistKind::Uniform);
  EXPECT_EQ(sc->service.gpu_streams, 1);
  EXPECT_EQ(sc->load.users, 3);
  EXPECT_EQ(sc->autoscaler.max_replicas, 3);
}

TEST(Scenario, ReportsEveryErrorWithItsPath) {
  const char* bad = R"(
duration: 0
cluster:
  nodes:
    - {gpu: {memory: 4Gi, speed: -1}, gpus: 0, count: 1, colour: red}
  sharing: {mode: slicing, replicasPerGpu: 0}
service:
  workload: sort
  gpuCost: {dist: uniform, min: 5, max: 1}
  queue: -2
load: {kind: closed, users: -1}
autoscaler:
  apiVersion: userscale.dev/v1alpha1
  kind: GPUAutoscaler
  metadata: {name: t}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
    maxReplicas: 0
)";
  auto sc = parse_scenario(bad);
  ASSERT_FALSE(sc.ok());
  const std::string& m = sc.error().message;
  for (const char* expected : {
           "duration: must be > 0, got 0",
           "cluster.nodes[0].gpus: must be >= 1, got 0",
           "cluster.nodes[0].gpu.speed: must be > 0, got -1",
           "cluster.nodes[0].colour: unknown field",
           "cluster.sharing.mode: must be one of exclusive, timeslice, mps, mig, got \"slicing\"",
           "cluster.sharing.replicasPerGpu: must be >= 1, got 0",
           "service.gpuCost.max: must be >= min (5), got 1",
           "service.queue: must be >= -1, got -2",
           "load.users: must be >= 0, got -1",
           "autoscaler.spec.maxReplicas: must be >= 1, got 0",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing `" << expected << "` in:\n" << m;
  }
}

TEST(Scenario, RequiresTheMainSections) {
  auto sc = parse_scenario("name: x\n");
  ASSERT_FALSE(sc.ok());
  const std::string& m = sc.error().message;
  for (const char* expected : {"duration: required", "cluster: required", "service: required",
                               "load: required", "autoscaler: required"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << " in:\n" << m;
  }
}

TEST(Scenario, NodeAutoscalerConsolidationDefaultsByKindAndCanBeSet) {
  auto with = [](const std::string& node_autoscaler) {
    std::string doc = kMinimal;
    const std::string nodes = "  nodes:\n    - {gpu: {memory: 4Gi}, gpus: 1, count: 1}\n";
    doc.replace(doc.find(nodes), nodes.size(),
                "  nodes:\n    - {gpu: {memory: 4Gi}, gpus: 1, count: 1, min: 1, max: 3}\n"
                "  nodeAutoscaler: " +
                    node_autoscaler + "\n");
    return parse_scenario(doc);
  };
  auto karpenter = with("{kind: karpenter}");
  ASSERT_TRUE(karpenter.ok()) << karpenter.error().message;
  EXPECT_TRUE(karpenter->cluster.node_autoscaler.consolidation);
  EXPECT_EQ(karpenter->cluster.node_autoscaler.consolidate_after, 30.0);
  auto ca = with("{kind: cluster-autoscaler}");
  ASSERT_TRUE(ca.ok()) << ca.error().message;
  EXPECT_EQ(ca->cluster.node_autoscaler.consolidate_after, 600.0);
  auto off = with("{kind: karpenter, consolidation: false, consolidateAfter: 2m}");
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->cluster.node_autoscaler.consolidation);
  EXPECT_EQ(off->cluster.node_autoscaler.consolidate_after, 120.0);
  auto bad = with("{kind: karpenter, consolidation: sometimes}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("cluster.nodeAutoscaler.consolidation"), std::string::npos)
      << bad.error().message;
}

TEST(Scenario, MigProfiles) {
  auto p = parse_mig_profile("3g.20gb");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->compute_slices, 3);
  EXPECT_EQ(p->memory_gb, 20.0);
  EXPECT_FALSE(parse_mig_profile("8g.5gb"));
  EXPECT_FALSE(parse_mig_profile("1g5gb"));
}

TEST(Trace, ReadsBothFormats) {
  auto r = parse_trace("t_s,input_tokens,output_tokens\n0.0,10,2\n0.5,,7\n", "r.csv");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, Trace::Format::Requests);
  ASSERT_EQ(r->requests.size(), 2u);
  EXPECT_EQ(r->requests[1].t, 0.5);
  EXPECT_EQ(r->requests[1].input_tokens, -1);
  EXPECT_EQ(r->requests[1].output_tokens, 7);
  auto m = parse_trace("minute,count\n0,60\n1,120\n", "m.csv");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->format, Trace::Format::PerMinute);
  EXPECT_EQ(m->minute_counts, (std::vector<double>{60, 120}));
  EXPECT_EQ(m->span_seconds(), 120.0);
}

TEST(Trace, ErrorsNameTheLine) {
  auto unsorted = parse_trace("t_s,input_tokens,output_tokens\n1,1,1\n0.5,1,1\n", "x.csv");
  ASSERT_FALSE(unsorted.ok());
  EXPECT_EQ(unsorted.error().to_string(), "x.csv:3: t_s: decreases (rows must be sorted by time)");
  auto gap = parse_trace("minute,count\n0,1\n2,1\n", "y.csv");
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.error().to_string(), "y.csv:3: minute: expected 1");
  EXPECT_FALSE(parse_trace("time,count\n", "z.csv").ok());
}

TEST(Trace, TheSharedTracesLoad) {
  const std::string dir = std::string(USERSCALE_SOURCE_DIR) + "/examples/traces/";
  auto azure = load_trace(dir + "azure_llm_2023_code.csv");
  ASSERT_TRUE(azure.ok()) << azure.error().to_string();
  EXPECT_EQ(azure->requests.size(), 8819u);  // README: 8,819 requests
  auto week = load_trace(dir + "servegen_mlarge_week1.csv");
  ASSERT_TRUE(week.ok()) << week.error().to_string();
  EXPECT_EQ(week->minute_counts.size(), 10080u);  // README: 10,080 minutes
}

}  // namespace
}  // namespace userscale::config
