// A replica that crashes at start is restarted with an exponential, capped back-off, and the
// back-off is forgotten once a replica turns ready.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "actuate/process_pool.h"
#include "support/scratch_dir.h"

namespace userscale::actuate {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A stand-in for the userscale binary that exits at once `fails` times, then runs the real one.
std::string flaky_binary(const userscale::testing::ScratchDir& dir, int fails) {
  const std::string path = dir.file("flaky.sh");
  std::ofstream(path) << "#!/bin/sh\n"
                      << "n=$(cat '" << dir.file("count") << "' 2>/dev/null || echo 0)\n"
                      << "echo $((n + 1)) > '" << dir.file("count") << "'\n"
                      << "[ \"$n\" -lt " << fails << " ] && exit 1\n"
                      << "exec '" << USERSCALE_BINARY << "' \"$@\"\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

PoolOptions options(const std::string& binary, const userscale::testing::ScratchDir& dir) {
  PoolOptions o{binary, dir.str(), {}, 2};
  o.restart_backoff_initial = 100ms;
  o.restart_backoff_max = 400ms;
  return o;
}

TEST(ProcessPoolBackoff, CrashingReplicaIsRestartedWithGrowingCappedDelays) {
  userscale::testing::ScratchDir dir("us-backoff");
  ProcessPool pool(options("/bin/false", dir), nullptr);
  std::mutex mu;
  std::vector<steady::time_point> starts;
  pool.on_event([&](const std::string& e) {
    // "replica-N starting (pid ...)", not "replica-N exited while starting (pid ...)".
    if (e.find(" starting (pid") == e.find(' ')) {
      std::lock_guard lock(mu);
      starts.push_back(steady::now());
    }
  });
  pool.set_desired(1);
  const auto end = steady::now() + 2500ms;
  while (steady::now() < end) {
    pool.step();
    std::this_thread::sleep_for(10ms);
  }
  pool.shutdown();
  std::lock_guard lock(mu);
  // Without a back-off a pass every 10 ms would start one about every 20 ms (over 100).
  // With it: 0, 100, 200, 400, 400, ... ms apart: about 8 in 2.5 s.
  EXPECT_GE(starts.size(), 4u) << "it must keep trying after reaching the cap";
  EXPECT_LE(starts.size(), 10u);
  const std::vector<std::chrono::milliseconds> least = {100ms, 200ms, 400ms, 400ms, 400ms,
                                                        400ms, 400ms, 400ms, 400ms};
  for (std::size_t i = 1; i < starts.size() && i - 1 < least.size(); ++i) {
    const auto gap =
        std::chrono::duration_cast<std::chrono::milliseconds>(starts[i] - starts[i - 1]);
    EXPECT_GE(gap, least[i - 1]) << "between start " << i << " and " << i + 1;
  }
  EXPECT_EQ(pool.restart_backoff(), 400ms);
  EXPECT_GE(pool.counters().died, 4);
}

TEST(ProcessPoolBackoff, ReadyReplicaResetsTheBackoff) {
  userscale::testing::ScratchDir dir("us-backoff");
  ProcessPool pool(options(flaky_binary(dir, 3), dir), nullptr);
  pool.set_desired(1);
  auto ready = [&] {
    for (const auto& r : pool.replicas()) {
      if (r.state == ReplicaState::Ready) return true;
    }
    return false;
  };
  std::chrono::milliseconds worst{0};
  const auto deadline = steady::now() + 60s;
  while (steady::now() < deadline && !ready()) {
    pool.step();
    worst = std::max(worst, pool.restart_backoff());
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(ready());
  EXPECT_EQ(worst, 400ms) << "three failed starts: 100, 200, 400 ms";
  EXPECT_EQ(pool.restart_backoff(), 0ms);
  EXPECT_EQ(pool.counters().started, 4);
  pool.shutdown();
}

}  // namespace
}  // namespace userscale::actuate
