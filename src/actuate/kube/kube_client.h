// The Kubernetes API client: every call goes through a client-side throttle (QPS and burst),
// carries the bearer token (re-read from its file when the file changes, as a projected
// service-account token rotates) or the client certificate, and is retried with back-off on
// 429 (honouring Retry-After), 5xx, and connections that drop or time out. Keep-alive
// connections are pooled; watches get their own connection each.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "actuate/kube/http_connection.h"
#include "actuate/kube/kube_config.h"
#include "actuate/kube/rate_limit.h"
#include "core/result.h"

namespace userscale::actuate::kube {

struct KubeClientOptions {
  double qps = 5.0;  // client-go's defaults
  int burst = 10;
  int max_attempts = 5;  // per call, the first included
  std::chrono::milliseconds timeout{10'000};
  BackoffPolicy backoff;
};

struct ClientCounters {
  std::uint64_t requests = 0;  // sent to the server, retries included
  std::uint64_t retries = 0;
  std::uint64_t throttled = 0;  // calls that waited for the client-side limit
};

class KubeClient {
 public:
  static Result<std::unique_ptr<KubeClient>> create(KubeConfig config, KubeClientOptions o = {});
  ~KubeClient();

  // The server's answer, whatever its code, after the retries (404, 409 are the caller's to
  // read); an error only when no answer came.
  Result<metrics::HttpResponse> call(std::string_view method, std::string_view path,
                                     std::string_view body = {},
                                     std::string_view content_type = {});
  // A watch (or any streamed GET): every line to on_line until it returns false, the server
  // ends the stream, `idle` passes without a byte, or interrupt_watches(). Throttled, not
  // retried: the informer relists.
  Result<metrics::HttpResponse> stream(std::string_view path,
                                       const std::function<bool(std::string_view)>& on_line,
                                       std::chrono::milliseconds idle);
  // Wakes every running stream (shutdown); new streams fail at once afterwards.
  void interrupt_streams();

  const KubeConfig& config() const { return config_; }
  ClientCounters counters() const;

 private:
  KubeClient(KubeConfig c, KubeClientOptions o);
  Result<std::unique_ptr<HttpConnection>> connect();
  void throttle();
  HttpRequest make_request(std::string_view method, std::string_view path, std::string_view body,
                           std::string_view content_type);
  std::string token();

  KubeConfig config_;
  KubeClientOptions o_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  TokenBucket bucket_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpConnection>> idle_;
  std::set<HttpConnection*> streams_;
  bool interrupted_ = false;
  std::string file_token_;
  std::filesystem::file_time_type token_mtime_{};
  std::uintmax_t token_size_ = 0;
  std::atomic<std::uint64_t> requests_{0}, retries_{0}, throttled_{0};
};

// "NAMESPACE/NAME: 409 Conflict: the message" from an answer's Status body (or its text).
Error api_error(const metrics::HttpResponse& r, const std::string& what);

}  // namespace userscale::actuate::kube
