// From calibration measurements to a workload profile, and the profile read back by a scenario
// through `service.profile`.
#include "config/workload_calibration.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/scratch_dir.h"

namespace userscale::config {
namespace {

EndpointMeasurement cpu_infer() {
  EndpointMeasurement m;
  m.endpoint = "infer";
  m.workload = workload_for_endpoint("infer");
  m.device = "cpu";
  m.service_seconds = {0.020, 0.022, 0.018, 0.021, 0.019};
  m.kernel_seconds = {0.015, 0.016, 0.014, 0.015, 0.015};
  m.scaling = {{1, 45.0, 21.0}, {2, 80.0, 24.0}, {4, 90.0, 44.0}};
  return m;
}

TEST(WorkloadCalibration, EveryEndpointNamesAWorkloadProfile) {
  for (const char* e : {"sort", "convolve", "matrix", "infer", "stream", "gpu_job"}) {
    EXPECT_TRUE(workload_profile(workload_for_endpoint(e)).has_value()) << e;
  }
  EXPECT_EQ(workload_for_endpoint("gpu_job"), "busy");
  // busy is GPU time alone: the simulator's model of serve's /gpu_job.
  const auto busy = workload_profile("busy");
  ASSERT_TRUE(busy.has_value());
  EXPECT_GT(busy->gpu_cost.mean(), 10.0 * busy->cpu_cost.mean());
}

TEST(WorkloadCalibration, OnTheCpuTheWholeRequestIsCpuTime) {
  const CalibratedService c = calibrate_service(cpu_infer());
  EXPECT_EQ(c.service.workload, "inference");
  EXPECT_NEAR(c.service.cpu_cost.mean(), 0.020, 1e-9);
  EXPECT_EQ(c.service.cpu_cost.kind, DistKind::LogNormal);
  EXPECT_NEAR(c.service.cpu_cost.b, 0.079, 0.001);  // sample cv of the five times
  EXPECT_DOUBLE_EQ(c.service.gpu_cost.mean(), 0.0);
  EXPECT_NEAR(c.parallelism, 2.0, 1e-9);  // 90 / 45 req/s
  EXPECT_NEAR(c.service.cpu_limit_cores, 2.0, 1e-9);
}

TEST(WorkloadCalibration, OnAGpuTheKernelTimeIsGpuTime) {
  EndpointMeasurement m = cpu_infer();
  m.device = "cuda";
  const CalibratedService c = calibrate_service(m);
  EXPECT_NEAR(c.service.gpu_cost.mean(), 0.015, 1e-9);
  EXPECT_NEAR(c.service.cpu_cost.mean(), 0.005, 1e-9);
}

TEST(WorkloadCalibration, ProfileFileIsWhatAScenarioReads) {
  userscale::testing::ScratchDir dir("us-calib");
  std::ofstream(dir.file("profile.yaml")) << profile_yaml({cpu_infer()}, "test");
  const std::string scenario =
      "name: p\nduration: 10s\n"
      "cluster: {nodes: [{name: n, gpu: {model: m, memory: 16Gi}, gpus: 1, count: 1}]}\n"
      "service: {profile: profile.yaml, concurrency: 3}\n"
      "load: {kind: constant, rate: 5}\n"
      "autoscaler: {apiVersion: userscale.dev/v1alpha1, kind: GPUAutoscaler, metadata: {name: a},"
      " spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}, maxReplicas: 2,"
      " policy: {name: ewma}}}\n";
  auto sc = parse_scenario(scenario, dir.str());
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  EXPECT_EQ(sc->service.workload, "inference");
  EXPECT_NEAR(sc->service.cpu_cost.mean(), 0.020, 1e-4);
  EXPECT_NEAR(sc->service.cpu_limit_cores, 2.0, 1e-4);
  EXPECT_DOUBLE_EQ(sc->service.gpu_cost.mean(), 0.0);
  EXPECT_EQ(sc->service.concurrency, 3) << "the scenario's own keys win";

  auto missing = parse_scenario(scenario, dir.str() + "/nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().to_string().find("service.profile"), std::string::npos)
      << missing.error().to_string();
}

}  // namespace
}  // namespace userscale::config
