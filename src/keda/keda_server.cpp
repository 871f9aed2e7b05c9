#include "keda/keda_server.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

#include "keda/external_scaler.grpc.pb.h"
#include "keda/keda_target.h"

namespace userscale::keda {
namespace {

namespace pb = externalscaler;

std::map<std::string, std::string> metadata_of(const pb::ScaledObjectRef& ref) {
  return {ref.scalermetadata().begin(), ref.scalermetadata().end()};
}

grpc::Status invalid(const Error& e) {
  return {grpc::StatusCode::INVALID_ARGUMENT, e.to_string()};
}

grpc::Status undecided(const std::string& target) {
  return {grpc::StatusCode::UNAVAILABLE,
          "userscale has no decision for " + target +
              " yet (not one of its targets, or before its first tick): hold"};
}

class Service final : public pb::ExternalScaler::Service {
 public:
  Service(DesiredReplicasLookup lookup, std::chrono::milliseconds poll)
      : lookup_(std::move(lookup)), poll_(poll) {}

  grpc::Status IsActive(grpc::ServerContext*, const pb::ScaledObjectRef* ref,
                        pb::IsActiveResponse* out) override {
    auto target = target_of(ref->namespace_(), metadata_of(*ref));
    if (!target.ok()) return invalid(target.error());
    const auto desired = lookup_(*target);
    if (!desired) return undecided(*target);
    out->set_result(*desired > 0);
    return grpc::Status::OK;
  }

  grpc::Status StreamIsActive(grpc::ServerContext* ctx, const pb::ScaledObjectRef* ref,
                              grpc::ServerWriter<pb::IsActiveResponse>* writer) override {
    auto target = target_of(ref->namespace_(), metadata_of(*ref));
    if (!target.ok()) return invalid(target.error());
    std::optional<bool> sent;
    std::unique_lock lock(mu_);
    while (!stopping_ && !ctx->IsCancelled()) {
      lock.unlock();
      const auto desired = lookup_(*target);
      if (desired && sent != (*desired > 0)) {
        pb::IsActiveResponse r;
        r.set_result(*desired > 0);
        if (!writer->Write(r)) return grpc::Status::OK;  // the client went away
        sent = *desired > 0;
      }
      lock.lock();
      wake_.wait_for(lock, poll_, [&] { return stopping_; });
    }
    return stopping_ ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "userscale is stopping")
                     : grpc::Status::OK;
  }

  grpc::Status GetMetricSpec(grpc::ServerContext*, const pb::ScaledObjectRef* ref,
                             pb::GetMetricSpecResponse* out) override {
    auto target = target_of(ref->namespace_(), metadata_of(*ref));
    if (!target.ok()) return invalid(target.error());
    pb::MetricSpec* spec = out->add_metricspecs();
    spec->set_metricname(kDesiredReplicasMetric);
    spec->set_targetsize(1);
    spec->set_targetsizefloat(1.0);
    return grpc::Status::OK;
  }

  grpc::Status GetMetrics(grpc::ServerContext*, const pb::GetMetricsRequest* req,
                          pb::GetMetricsResponse* out) override {
    const pb::ScaledObjectRef& ref = req->scaledobjectref();
    auto target = target_of(ref.namespace_(), metadata_of(ref));
    if (!target.ok()) return invalid(target.error());
    if (!req->metricname().empty() && !is_desired_replicas_metric(req->metricname())) {
      return invalid(Error{"metricName", "userscale serves only \"" +
                                             std::string(kDesiredReplicasMetric) + "\", got \"" +
                                             req->metricname() + "\""});
    }
    const auto desired = lookup_(*target);
    if (!desired) return undecided(*target);
    pb::MetricValue* v = out->add_metricvalues();
    v->set_metricname(req->metricname().empty() ? kDesiredReplicasMetric : req->metricname());
    v->set_metricvalue(*desired);
    v->set_metricvaluefloat(*desired);
    return grpc::Status::OK;
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
  }

 private:
  DesiredReplicasLookup lookup_;
  std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace

struct KedaServer::Impl {
  std::unique_ptr<Service> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::once_flag stopped;
};

KedaServer::KedaServer(const KedaServerOptions& o, DesiredReplicasLookup lookup)
    : impl_(std::make_unique<Impl>()) {
  impl_->service = std::make_unique<Service>(std::move(lookup), o.stream_poll);
}

Result<std::unique_ptr<KedaServer>> KedaServer::start(const KedaServerOptions& o,
                                                      DesiredReplicasLookup lookup) {
  if (o.port < 0 || o.port > 65535) {
    return Error{"--keda-port", "must be 0..65535, got " + std::to_string(o.port)};
  }
  auto s = std::make_unique<KedaServer>(o, std::move(lookup));
  const std::string address = o.bind + ":" + std::to_string(o.port);
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second scaler on the same port would then share it
  // silently instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &s->impl_->port);
  builder.RegisterService(s->impl_->service.get());
  s->impl_->server = builder.BuildAndStart();
  if (!s->impl_->server || s->impl_->port == 0) {
    return Error{"keda", "cannot listen on " + address};
  }
  return s;
}

KedaServer::~KedaServer() {
  stop();
}

int KedaServer::port() const {
  return impl_->port;
}

void KedaServer::stop() {
  std::call_once(impl_->stopped, [this] {
    if (!impl_->server) return;
    impl_->service->stop();  // open streams end now rather than at the deadline
    impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    impl_->server->Wait();
  });
}

}  // namespace userscale::keda
