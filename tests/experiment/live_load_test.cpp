// A scenario's load as the live runner hands it to `userscale load`: closed loops become
// workers, open-loop shapes become the simulator's own arrival times, and the time scale
// compresses times but keeps rates.
#include "experiment/live_load.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "config/scenario.h"
#include "sim/policy_factory.h"
#include "sim/simulator.h"
#include "test_helpers.h"

namespace userscale::experiment {
namespace {

std::vector<std::string>::const_iterator find_arg(const LiveLoad& l, const std::string& name) {
  return std::find(l.args.begin(), l.args.end(), name);
}

std::string arg_after(const LiveLoad& l, const std::string& name) {
  auto it = find_arg(l, name);
  return it == l.args.end() || it + 1 == l.args.end() ? "" : *(it + 1);
}

TEST(LiveLoad, ClosedLoopUsersBecomeWorkersOnTheWorkloadsEndpoint) {
  auto sc = config::load_scenario(testing::scenario_path("seed-gtx1650"));
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  auto l = live_load(*sc, nullptr, "unused.csv");
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  EXPECT_EQ(arg_after(*l, "--workers"), "20");
  EXPECT_EQ(arg_after(*l, "--think-ms"), "0");
  EXPECT_EQ(arg_after(*l, "--endpoint-mix"), "sort:1");
  EXPECT_EQ(arg_after(*l, "--duration"), "90");
  EXPECT_TRUE(l->trace_csv.empty());
  EXPECT_EQ(find_arg(*l, "--trace"), l->args.end());
}

TEST(LiveLoad, OpenLoopArrivalsAreTheSimulatorsForTheSameSeed) {
  auto sc = config::load_scenario(testing::scenario_path("local-burst"));
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  sc->seed = 7;
  auto l = live_load(*sc, nullptr, "/tmp/arrivals.csv");
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  EXPECT_EQ(arg_after(*l, "--scenario"), "trace");
  EXPECT_EQ(arg_after(*l, "--trace"), "/tmp/arrivals.csv");
  EXPECT_EQ(arg_after(*l, "--endpoint-mix"), "matrix:1");
  EXPECT_EQ(arg_after(*l, "--timeout-s"), "30");

  // The simulator, run on the same scenario and seed, sees exactly as many arrivals.
  auto maker = sim::make_policy_factory(*sc, nullptr);
  ASSERT_TRUE(maker.ok()) << maker.error().to_string();
  sim::SimInputs in;
  in.scenario = &*sc;
  in.make_policy = maker->make;
  auto sum = sim::simulate(in);
  ASSERT_TRUE(sum.ok()) << sum.error().to_string();
  EXPECT_EQ(l->scheduled, sum->requests);

  // Every line is a time within the run, in order; the burst (8-20 s, 8 req/s against 1) holds
  // most of them.
  std::istringstream lines(l->trace_csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "t_s,input_tokens,output_tokens");
  double prev = 0.0;
  std::size_t n = 0, in_burst = 0;
  while (std::getline(lines, line)) {
    const double t = std::stod(line);
    EXPECT_GE(t, prev);
    EXPECT_LT(t, sc->duration);
    in_burst += t >= 8.0 && t < 20.0;
    prev = t;
    ++n;
  }
  EXPECT_EQ(n, l->scheduled);
  EXPECT_GT(in_burst, n / 2);
}

TEST(LiveLoad, TimeScaleCompressesTimesAndKeepsRates) {
  auto sc = config::load_scenario(testing::scenario_path("local-burst"));
  ASSERT_TRUE(sc.ok());
  const config::Scenario half = time_scaled(*sc, 0.5);
  EXPECT_DOUBLE_EQ(half.duration, 20.0);
  EXPECT_DOUBLE_EQ(half.sample_period, 1.0);
  EXPECT_DOUBLE_EQ(half.load.start, 4.0);
  EXPECT_DOUBLE_EQ(half.load.length, 6.0);
  EXPECT_DOUBLE_EQ(half.load.peak_rate, 8.0);
  EXPECT_DOUBLE_EQ(half.load.rate, 1.0);
  auto full = live_load(*sc, nullptr, "a.csv");
  auto compressed = live_load(half, nullptr, "a.csv");
  ASSERT_TRUE(full.ok() && compressed.ok());
  // Same rates over half the time: about half the requests.
  EXPECT_NEAR(static_cast<double>(compressed->scheduled),
              0.5 * static_cast<double>(full->scheduled), 0.2 * full->scheduled);
}

TEST(LiveLoad, EveryWorkloadHasAnEndpoint) {
  EXPECT_EQ(endpoint_for_workload("sort"), "sort");
  EXPECT_EQ(endpoint_for_workload("convolution"), "convolve");
  EXPECT_EQ(endpoint_for_workload("matmul"), "matrix");
  EXPECT_EQ(endpoint_for_workload("inference"), "infer");
  EXPECT_EQ(endpoint_for_workload("stream"), "stream");
  EXPECT_EQ(endpoint_for_workload("busy"), "gpu_job");
  EXPECT_EQ(endpoint_for_workload("llm"), "gpu_job");
}

TEST(LiveLoad, BusyJobsLastTheScenariosGpuCost) {
  auto sc = config::load_scenario(testing::scenario_path("local-gpu-timeslice"));
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  ASSERT_EQ(sc->service.workload, "busy");
  auto l = live_load(*sc, nullptr, "arrivals.csv");
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  EXPECT_EQ(arg_after(*l, "--endpoint-mix"), "gpu_job:1");
  EXPECT_EQ(arg_after(*l, "--work-ms"), "20");
  sc->service.gpu_cost = config::DistSpec::constant(0.0374);
  auto longer = live_load(*sc, nullptr, "arrivals.csv");
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(arg_after(*longer, "--work-ms"), "37");
  // Other workloads keep their endpoint's own parameters.
  sc->service.workload = "matmul";
  auto matmul = live_load(*sc, nullptr, "arrivals.csv");
  ASSERT_TRUE(matmul.ok());
  EXPECT_EQ(find_arg(*matmul, "--work-ms"), matmul->args.end());
}

}  // namespace
}  // namespace userscale::experiment
