// HAProxy driven through its runtime API: a slot pointed at a real `userscale serve`, enabled,
// disabled, without a reload.
#include "actuate/haproxy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "actuate/process.h"
#include "actuate/process_pool.h"
#include "metrics/http_client.h"

namespace userscale::actuate {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("us-act-" + std::to_string(getpid()) + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int status_via(int port, const char* path) {
  metrics::HttpClient c("127.0.0.1", std::to_string(port), 5s);
  auto r = c.get(path);
  return r.ok() ? r->status : 0;
}

// HAProxy counts a connection until its event loop has seen the close, a moment after the
// client's answer came back, so the count is waited for rather than read once.
int active_within(Haproxy& ha, int slot, int want, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int seen = -1;
  while (true) {
    auto a = ha.active(slot);
    seen = a.ok() ? *a : -1;
    if (seen == want || std::chrono::steady_clock::now() >= deadline) return seen;
    std::this_thread::sleep_for(10ms);
  }
}

TEST(HaproxyConfig, LeastconnSlotsInMaintenanceAndAnAdminSocket) {
  HaproxyOptions o;
  o.port = 8080;
  o.slots = 3;
  const std::string c = haproxy_config(o, "/run/x/haproxy.sock");
  EXPECT_NE(c.find("stats socket /run/x/haproxy.sock mode 600 level admin"), std::string::npos);
  EXPECT_NE(c.find("bind 127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(c.find("balance leastconn"), std::string::npos);
  EXPECT_NE(c.find("server srv3 127.0.0.1:9 disabled"), std::string::npos);
  EXPECT_EQ(c.find("srv4"), std::string::npos);
}

TEST(Haproxy, RuntimeApiMovesTrafficWithoutReload) {
  const fs::path dir = fresh_dir("haproxy");
  HaproxyOptions o;
  o.run_dir = dir;
  o.slots = 2;
  auto h = Haproxy::start(o);
  ASSERT_TRUE(h.ok()) << h.error().to_string();
  Haproxy& ha = **h;
  EXPECT_EQ(status_via(ha.port(), "/healthz"), 503);  // every slot in maintenance

  ProcessPool pool(PoolOptions{USERSCALE_BINARY, dir, {}, 2}, nullptr);
  pool.set_desired(1);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline &&
         (pool.replicas().empty() || pool.replicas()[0].state != ReplicaState::Ready)) {
    pool.step();
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(pool.replicas().size(), 1u);
  ASSERT_EQ(pool.replicas()[0].state, ReplicaState::Ready);
  const int port = pool.replicas()[0].record.port;

  ASSERT_TRUE(ha.enable(2, port).ok());
  EXPECT_EQ(status_via(ha.port(), "/healthz"), 200);
  auto active = ha.active(2);
  ASSERT_TRUE(active.ok()) << active.error().to_string();
  // A request in progress is counted on its slot, and no longer once it has been answered.
  std::thread slow([&] { EXPECT_EQ(status_via(ha.port(), "/gpu_job?work_ms=1500"), 200); });
  EXPECT_EQ(active_within(ha, 2, 1, 1000ms), 1);
  slow.join();
  EXPECT_EQ(active_within(ha, 2, 0, 2000ms), 0);
  ASSERT_TRUE(ha.disable(2).ok());
  EXPECT_EQ(status_via(ha.port(), "/healthz"), 503);
  EXPECT_FALSE(ha.enable(7, port).ok());  // no such slot: the API's refusal is an error

  const pid_t hp = ha.pid();
  pool.shutdown();
  ha.stop();
  EXPECT_FALSE(is_alive(hp));
  if (!HasFailure()) fs::remove_all(dir);
}

TEST(ProcessPool, StartsDrainsAndStopsReplicas) {
  const fs::path dir = fresh_dir("pool");
  ProcessPool pool(PoolOptions{USERSCALE_BINARY, dir, {}, 4}, nullptr);
  auto ready = [&] {
    int n = 0;
    for (const auto& r : pool.replicas()) n += r.state == ReplicaState::Ready;
    return n;
  };
  auto run_until = [&](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && !done()) {
      pool.step();
      std::this_thread::sleep_for(50ms);
    }
    return done();
  };
  pool.set_desired(2);
  ASSERT_TRUE(run_until([&] { return ready() == 2; }));
  const auto two = pool.replicas();
  EXPECT_NE(two[0].record.port, two[1].record.port);
  EXPECT_EQ(status_via(two[0].record.port, "/readyz"), 200);

  pool.set_desired(1);
  ASSERT_TRUE(run_until([&] { return pool.replicas().size() == 1u; }));
  EXPECT_EQ(pool.counters().drained, 1);
  // The newest went; the oldest stays.
  EXPECT_EQ(pool.replicas()[0].record.name, two[0].record.name);

  // A replica that dies is noticed and replaced.
  const pid_t victim = pool.replicas()[0].record.pid;
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  ASSERT_TRUE(run_until([&] { return ready() == 1 && pool.replicas()[0].record.pid != victim; }));
  EXPECT_EQ(pool.counters().died, 1);

  const pid_t last = pool.replicas()[0].record.pid;
  pool.shutdown();
  EXPECT_TRUE(pool.replicas().empty());
  EXPECT_FALSE(is_alive(last));
  EXPECT_FALSE(is_alive(two[0].record.pid));
  EXPECT_FALSE(is_alive(two[1].record.pid));
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace userscale::actuate
