// After a scaler is killed, its successor adopts the replicas its state file names and kills a
// replica that runs without a record (started in the moment before the kill), found by its log
// under the run directory; processes logging elsewhere are left alone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "actuate/process.h"
#include "actuate/process_pool.h"
#include "support/scratch_dir.h"

namespace userscale::actuate {
namespace {

using namespace std::chrono_literals;

bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (!is_alive(pid)) return true;
    std::this_thread::sleep_for(20ms);
  }
  return !is_alive(pid);
}

TEST(ProcessPoolAdopt, AReplicaWithoutARecordIsKilledAndOthersAreLeftAlone) {
  userscale::testing::ScratchDir dir("us-adopt");
  std::filesystem::create_directories(dir.file("replicas"));
  const std::vector<std::string> serve = {USERSCALE_BINARY, "serve", "--port", "0"};
  auto orphan = spawn(serve, std::filesystem::path(dir.file("replicas")) / "replica-7.log");
  ASSERT_TRUE(orphan.ok()) << orphan.error().to_string();
  auto elsewhere = spawn(serve, dir.file("other.log"));
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.error().to_string();
  // Both run `serve` once exec'd; the pool tells them apart by where their output goes.
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (command_line(*orphan).find(" serve") == std::string::npos &&
         std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(20ms);
  }
  const auto logging = processes_logging_under(dir.file("replicas"));
  ASSERT_EQ(logging, std::vector<pid_t>{*orphan});

  ProcessPool pool(PoolOptions{USERSCALE_BINARY, dir.str(), {}, 2}, nullptr);
  std::vector<std::string> events;
  pool.on_event([&](const std::string& e) { events.push_back(e); });
  EXPECT_EQ(pool.adopt({}, 8), 0);
  EXPECT_TRUE(gone_within(*orphan, 5s));
  EXPECT_TRUE(is_alive(*elsewhere));
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events.back().find("without a record"), std::string::npos) << events.back();
  terminate(*elsewhere, 2s);
  pool.shutdown();
}

}  // namespace
}  // namespace userscale::actuate
