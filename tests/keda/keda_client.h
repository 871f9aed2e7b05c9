// A real gRPC client of KEDA's external scaler contract, for the tests: the calls KEDA makes,
// with deadlines, over a loopback channel.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "keda/external_scaler.grpc.pb.h"

namespace userscale::keda::testing {

class KedaClient {
 public:
  explicit KedaClient(int port)
      : stub_(externalscaler::ExternalScaler::NewStub(grpc::CreateChannel(
            "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()))) {}

  static externalscaler::ScaledObjectRef ref(const std::string& ns,
                                             const std::map<std::string, std::string>& metadata) {
    externalscaler::ScaledObjectRef r;
    r.set_name("gpu-service");
    r.set_namespace_(ns);
    for (const auto& [k, v] : metadata) (*r.mutable_scalermetadata())[k] = v;
    return r;
  }

  grpc::Status is_active(const externalscaler::ScaledObjectRef& r, bool& active) {
    auto ctx = context();
    externalscaler::IsActiveResponse out;
    auto s = stub_->IsActive(ctx.get(), r, &out);
    active = out.result();
    return s;
  }
  grpc::Status metric_spec(const externalscaler::ScaledObjectRef& r,
                           externalscaler::GetMetricSpecResponse& out) {
    auto ctx = context();
    return stub_->GetMetricSpec(ctx.get(), r, &out);
  }
  grpc::Status metrics(const externalscaler::ScaledObjectRef& r, const std::string& metric,
                       externalscaler::GetMetricsResponse& out) {
    auto ctx = context();
    externalscaler::GetMetricsRequest req;
    *req.mutable_scaledobjectref() = r;
    req.set_metricname(metric);
    return stub_->GetMetrics(ctx.get(), req, &out);
  }
  externalscaler::ExternalScaler::Stub& stub() { return *stub_; }

 private:
  static std::unique_ptr<grpc::ClientContext> context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return ctx;
  }
  std::unique_ptr<externalscaler::ExternalScaler::Stub> stub_;
};

}  // namespace userscale::keda::testing
