// The KEDA external scaler over real gRPC on loopback, with the desired counts set by the test.
#include "keda/keda_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "keda/keda_client.h"

namespace userscale::keda {
namespace {

using testing::KedaClient;

// Desired replicas per target, changed by the test while the server reads them.
class Decisions {
 public:
  void set(const std::string& target, int desired) {
    std::lock_guard lock(mu_);
    desired_[target] = desired;
  }
  DesiredReplicasLookup lookup() {
    return [this](const std::string& t) -> std::optional<int> {
      std::lock_guard lock(mu_);
      auto it = desired_.find(t);
      if (it == desired_.end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> desired_;
};

std::unique_ptr<KedaServer> start(Decisions& d) {
  KedaServerOptions o;
  o.stream_poll = std::chrono::milliseconds(20);
  auto s = KedaServer::start(o, d.lookup());
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return std::move(s).value();
}

TEST(KedaServer, MetricSpecIsDesiredReplicasWithTargetSizeOne) {
  Decisions d;
  auto server = start(d);
  KedaClient c(server->port());
  externalscaler::GetMetricSpecResponse spec;
  ASSERT_TRUE(
      c.metric_spec(KedaClient::ref("gpu-workloads", {{"target", "gpu-service"}}), spec).ok());
  ASSERT_EQ(spec.metricspecs_size(), 1);
  EXPECT_EQ(spec.metricspecs(0).metricname(), "desired-replicas");
  EXPECT_EQ(spec.metricspecs(0).targetsize(), 1);
  EXPECT_EQ(spec.metricspecs(0).targetsizefloat(), 1.0);
}

TEST(KedaServer, MetricsAndActivityFollowTheDecision) {
  Decisions d;
  d.set("gpu-workloads/gpu-service", 3);
  auto server = start(d);
  KedaClient c(server->port());
  const auto ref = KedaClient::ref("gpu-workloads", {{"target", "gpu-service"}});
  externalscaler::GetMetricsResponse m;
  ASSERT_TRUE(c.metrics(ref, "s0-desired-replicas", m).ok());
  ASSERT_EQ(m.metricvalues_size(), 1);
  EXPECT_EQ(m.metricvalues(0).metricname(), "s0-desired-replicas");
  EXPECT_EQ(m.metricvalues(0).metricvalue(), 3);
  EXPECT_EQ(m.metricvalues(0).metricvaluefloat(), 3.0);
  bool active = false;
  ASSERT_TRUE(c.is_active(ref, active).ok());
  EXPECT_TRUE(active);

  d.set("gpu-workloads/gpu-service", 0);
  m.Clear();
  ASSERT_TRUE(c.metrics(ref, "desired-replicas", m).ok());
  EXPECT_EQ(m.metricvalues(0).metricvalue(), 0);
  ASSERT_TRUE(c.is_active(ref, active).ok());
  EXPECT_FALSE(active);
}

TEST(KedaServer, UndecidedTargetIsUnavailableNeverZero) {
  Decisions d;
  auto server = start(d);
  KedaClient c(server->port());
  const auto ref = KedaClient::ref("gpu-workloads", {{"target", "gpu-workloads/unknown"}});
  externalscaler::GetMetricsResponse m;
  const auto s = c.metrics(ref, "desired-replicas", m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(s.error_message().find("gpu-workloads/unknown"), std::string::npos);
  EXPECT_EQ(m.metricvalues_size(), 0);
  bool active = true;
  EXPECT_EQ(c.is_active(ref, active).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(KedaServer, BadRequestsAreInvalidArgumentsNamingTheField) {
  Decisions d;
  d.set("ns/gpu-service", 2);
  auto server = start(d);
  KedaClient c(server->port());
  externalscaler::GetMetricsResponse m;
  auto s = c.metrics(KedaClient::ref("ns", {}), "desired-replicas", m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("scalerMetadata.target"), std::string::npos);
  s = c.metrics(KedaClient::ref("ns", {{"target", "gpu-service"}}), "queue-length", m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("metricName"), std::string::npos);
  externalscaler::GetMetricSpecResponse spec;
  EXPECT_EQ(c.metric_spec(KedaClient::ref("ns", {{"target", "a/b/c"}}), spec).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(KedaServer, StreamIsActivePushesEachChangeAndEndsOnStop) {
  Decisions d;
  auto server = start(d);
  KedaClient c(server->port());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader =
      c.stub().StreamIsActive(&ctx, KedaClient::ref("ns", {{"target", "ns/gpu-service"}}));
  // Nothing is sent before the first decision; then every change of activity, once.
  d.set("ns/gpu-service", 2);
  externalscaler::IsActiveResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_TRUE(r.result());
  d.set("ns/gpu-service", 4);  // still active: no message
  d.set("ns/gpu-service", 0);
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_FALSE(r.result());
  d.set("ns/gpu-service", 1);
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_TRUE(r.result());
  std::thread stopper([&] { server->stop(); });
  EXPECT_FALSE(reader->Read(&r));  // the server ended the stream
  stopper.join();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(KedaServer, PortInUseIsAnError) {
  Decisions d;
  auto first = start(d);
  KedaServerOptions o;
  o.port = first->port();
  auto second = KedaServer::start(o, d.lookup());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace userscale::keda
