// The client's behaviour under the API server's faults, through the fake server over TLS: 429
// with Retry-After honoured, 5xx backed off and retried, slow answers and dropped connections
// retried, conflicts handed to the caller, the client-side rate limit; and watches (chunked
// lines, bookmarks, 410 for a compacted resourceVersion).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actuate/kube/kube_client.h"
#include "actuate/kube/rate_limit.h"
#include "support/fake_apiserver.h"
#include "support/scratch_dir.h"

namespace userscale::actuate::kube {
namespace {

using testing::FakeApiServer;
using testing::FakeFault;
using Clock = std::chrono::steady_clock;

const char* kPods = "/api/v1/namespaces/default/pods";

std::unique_ptr<KubeClient> client_for(FakeApiServer& server, KubeClientOptions o = {}) {
  static testing::ScratchDir dir("kube-client");
  auto c =
      load_kubeconfig(server.write_kubeconfig(dir.file("config-" + std::to_string(server.port()))));
  EXPECT_TRUE(c.ok());
  o.backoff.base = std::chrono::milliseconds(50);
  auto client = KubeClient::create(*c, o);
  EXPECT_TRUE(client.ok());
  return std::move(client).value();
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

TEST(TokenBucket, BurstThenQps) {
  TokenBucket b(10, 2);
  const auto t0 = Clock::now();
  EXPECT_EQ(b.reserve(t0).count(), 0);
  EXPECT_EQ(b.reserve(t0).count(), 0);
  EXPECT_NEAR(std::chrono::duration<double>(b.reserve(t0)).count(), 0.1, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(b.reserve(t0)).count(), 0.2, 1e-6);
  // a second later the bucket is full again (burst 2, no more)
  const auto t1 = t0 + std::chrono::seconds(2);
  EXPECT_EQ(b.reserve(t1).count(), 0);
  EXPECT_EQ(b.reserve(t1).count(), 0);
  EXPECT_GT(b.reserve(t1).count(), 0);
}

TEST(RetryWait, RetryAfterThenExponentialCapped) {
  BackoffPolicy p;
  EXPECT_EQ(retry_wait(p, 1, std::string("3")).count(), 3000);
  EXPECT_EQ(retry_wait(p, 1, std::string("100000")).count(), 60'000);  // clamped
  EXPECT_EQ(retry_wait(p, 1, std::nullopt).count(), 200);
  EXPECT_EQ(retry_wait(p, 3, std::nullopt).count(), 800);
  EXPECT_EQ(retry_wait(p, 30, std::string("Wed, 21 Oct 2015 07:28:00 GMT")).count(), 5000);
}

TEST(KubeClient, HonoursRetryAfterOn429) {
  FakeApiServer server;
  auto client = client_for(server);
  server.inject({FakeFault::Kind::Status, 429, 1, {}, "GET", "/pods", 1});
  const auto t0 = Clock::now();
  auto r = client->call("GET", kPods);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(seconds_since(t0), 0.95);  // waited what the server asked, not the 50 ms back-off
  EXPECT_EQ(client->counters().retries, 1u);
  EXPECT_EQ(server.count("GET", "/pods"), 2);
}

TEST(KubeClient, BacksOffOn5xxAndGivesUpAfterTheAttempts) {
  FakeApiServer server;
  KubeClientOptions o;
  o.max_attempts = 4;
  auto client = client_for(server, o);
  server.inject({FakeFault::Kind::Status, 503, std::nullopt, {}, "", "/pods", 2});
  auto r = client->call("GET", kPods);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client->counters().retries, 2u);

  server.inject({FakeFault::Kind::Status, 500, std::nullopt, {}, "", "/pods", 10});
  const auto t0 = Clock::now();
  auto failed = client->call("GET", kPods);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, 500);
  EXPECT_GE(seconds_since(t0), 0.05 + 0.1 + 0.2 - 0.01);  // exponential: 50, 100, 200 ms
  EXPECT_EQ(server.count("GET", "/pods"), 3 + 4);
}

TEST(KubeClient, ConflictIsTheCallersToRead) {
  FakeApiServer server;
  auto client = client_for(server);
  server.inject({FakeFault::Kind::Status, 409, std::nullopt, {}, "PATCH", "", 1});
  server.create(FakeApiServer::deployment("default", "web", 1, 9000));
  auto r = client->call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                        R"({"spec":{"replicas":2}})", "application/merge-patch+json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(client->counters().retries, 0u);
  EXPECT_NE(api_error(*r, "scale").message.find("Conflict"), std::string::npos);
}

TEST(KubeClient, RetriesSlowAnswersAndDroppedConnections) {
  FakeApiServer server;
  KubeClientOptions o;
  o.timeout = std::chrono::milliseconds(300);
  auto client = client_for(server, o);
  server.inject(
      {FakeFault::Kind::Slow, 0, std::nullopt, std::chrono::milliseconds(1500), "", "/pods", 1});
  auto slow = client->call("GET", kPods);
  ASSERT_TRUE(slow.ok()) << slow.error().to_string();
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(client->counters().retries, 1u);

  server.inject({FakeFault::Kind::Drop, 0, std::nullopt, {}, "", "/pods", 2});
  auto dropped = client->call("GET", kPods);
  ASSERT_TRUE(dropped.ok()) << dropped.error().to_string();
  EXPECT_EQ(dropped->status, 200);
  EXPECT_EQ(client->counters().retries, 3u);
}

TEST(KubeClient, ClientSideRateLimit) {
  FakeApiServer server;
  KubeClientOptions o;
  o.qps = 20;
  o.burst = 2;
  auto client = client_for(server, o);
  const auto t0 = Clock::now();
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(client->call("GET", kPods).ok());
  EXPECT_GE(seconds_since(t0), 10 / 20.0 - 0.02);  // burst 2, then 10 at 20 per second
  EXPECT_GE(client->counters().throttled, 9u);
}

TEST(KubeClient, WatchDeliversEventsAndBookmarks) {
  testing::FakeApiServerOptions so;
  so.bookmark_interval = std::chrono::milliseconds(200);
  FakeApiServer server(so);
  server.create(FakeApiServer::deployment("default", "web", 1, 9000));
  auto client = client_for(server);
  auto list = client->call("GET", std::string(kPods) + "?labelSelector=app%3Dweb");
  ASSERT_TRUE(list.ok());
  const auto j = nlohmann::json::parse(list->body);
  EXPECT_EQ(j["kind"], "PodList");
  ASSERT_EQ(j["items"].size(), 1u);
  const std::string rv = j["metadata"]["resourceVersion"];

  std::thread scaler([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.set_replicas("default", "web", 3);
  });
  std::vector<std::string> types;
  int bookmarks = 0;
  auto done = client->stream(
      std::string(kPods) +
          "?watch=1&allowWatchBookmarks=true&labelSelector=app%3Dweb&resourceVersion=" + rv,
      [&](std::string_view line) {
        const auto ev = nlohmann::json::parse(line);
        if (ev["type"] == "BOOKMARK") {
          ++bookmarks;
        } else {
          types.push_back(ev["type"]);
        }
        return bookmarks < 2;
      },
      std::chrono::seconds(10));
  scaler.join();
  ASSERT_TRUE(done.ok()) << done.error().to_string();
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED", "ADDED"}));
  EXPECT_EQ(bookmarks, 2);
}

TEST(KubeClient, WatchFromACompactedVersionGets410) {
  FakeApiServer server;
  server.create(FakeApiServer::deployment("default", "web", 2, 9000));
  auto client = client_for(server);
  server.compact();
  nlohmann::json error;
  auto done = client->stream(
      std::string(kPods) + "?watch=1&resourceVersion=1",
      [&](std::string_view line) {
        error = nlohmann::json::parse(line);
        return false;
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(error["type"], "ERROR");
  EXPECT_EQ(error["object"]["code"], 410);
  EXPECT_EQ(error["object"]["reason"], "Expired");
}

}  // namespace
}  // namespace userscale::actuate::kube
