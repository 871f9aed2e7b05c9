// Same seed, same bytes out; another seed, other samples.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "config/scenario.h"
#include "core/policies/registry.h"
#include "sim/report_files.h"
#include "sim/simulator.h"

namespace userscale::sim {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the seed scenario with its HPA and writes the three files under `dir`.
void run_to(const config::Scenario& sc, const std::filesystem::path& dir) {
  auto sink = FileSink::open(dir.string(), timeline_gpu_columns(sc));
  ASSERT_TRUE(sink.ok());
  SimInputs in;
  in.scenario = &sc;
  in.sink = sink->get();
  in.make_policy = [&sc]() -> std::unique_ptr<Policy> {
    auto p = make_policy(sc.autoscaler, sc.hpa);
    return p.ok() ? std::move(p).value() : nullptr;
  };
  auto s = simulate(in);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_TRUE((*sink)->finish(*s).ok());
}

class Determinism : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sc = config::load_scenario(std::string(USERSCALE_SOURCE_DIR) +
                                    "/examples/scenarios/seed-gtx1650.yaml");
    ASSERT_TRUE(sc.ok()) << sc.error().to_string();
    scenario_ = *sc;
    root_ = std::filesystem::temp_directory_path() /
            ("userscale-sim-determinism-" + std::to_string(::getpid()));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  config::Scenario scenario_;
  std::filesystem::path root_;
};

TEST_F(Determinism, SameSeedSameBytes) {
  run_to(scenario_, root_ / "a");
  run_to(scenario_, root_ / "b");
  for (const char* f : {"summary.json", "timeline.csv", "events.jsonl"}) {
    const std::string a = slurp(root_ / "a" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, slurp(root_ / "b" / f)) << f;
  }
}

TEST_F(Determinism, DifferentSeedDifferentSamples) {
  run_to(scenario_, root_ / "a");
  auto other = scenario_;
  other.seed = scenario_.seed + 1;
  run_to(other, root_ / "b");
  EXPECT_NE(slurp(root_ / "a" / "summary.json"), slurp(root_ / "b" / "summary.json"));
  EXPECT_NE(slurp(root_ / "a" / "timeline.csv"), slurp(root_ / "b" / "timeline.csv"));
}

}  // namespace
}  // namespace userscale::sim
