#include "actuate/kube/kube_client.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace userscale::actuate::kube {
namespace {

bool retryable_status(int code) {
  return code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
}

bool retryable_error(const Error& e) {
  return e.path == "closed" || e.path == "timeout" || e.path == "connect" || e.path == "io";
}

}  // namespace

Error api_error(const metrics::HttpResponse& r, const std::string& what) {
  std::string message = r.body.substr(0, 300);
  try {
    const auto j = nlohmann::json::parse(r.body);
    if (j.is_object() && j.contains("message")) {
      message = j.value("reason", "") + ": " + j["message"].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  return Error{what, "HTTP " + std::to_string(r.status) + " " + message};
}

KubeClient::KubeClient(KubeConfig c, KubeClientOptions o)
    : config_(std::move(c)), o_(o), bucket_(o.qps, o.burst) {}

KubeClient::~KubeClient() = default;

Result<std::unique_ptr<KubeClient>> KubeClient::create(KubeConfig config, KubeClientOptions o) {
  std::unique_ptr<KubeClient> client(new KubeClient(std::move(config), o));
  if (client->config_.scheme == "https") {
    auto tls = make_client_tls(client->config_.tls);
    if (!tls.ok()) return tls.error();
    client->tls_ = *tls;
  }
  return client;
}

ClientCounters KubeClient::counters() const {
  return {requests_.load(), retries_.load(), throttled_.load()};
}

std::string KubeClient::token() {
  if (config_.token_file.empty()) return config_.token;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(config_.token_file, ec);
  const auto size = ec ? 0 : std::filesystem::file_size(config_.token_file, ec);
  std::lock_guard lock(mu_);
  if (!ec && (mtime != token_mtime_ || size != token_size_ || file_token_.empty())) {
    std::ifstream in(config_.token_file);
    std::stringstream s;
    s << in.rdbuf();
    std::string t = s.str();
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    if (!t.empty()) {
      file_token_ = t;
      token_mtime_ = mtime;
      token_size_ = size;
    }
  }
  return file_token_;
}

void KubeClient::throttle() {
  const auto wait = bucket_.reserve(std::chrono::steady_clock::now());
  if (wait.count() > 0) {
    throttled_++;
    std::this_thread::sleep_for(wait);
  }
}

HttpRequest KubeClient::make_request(std::string_view method, std::string_view path,
                                     std::string_view body, std::string_view content_type) {
  HttpRequest req;
  req.method = std::string(method);
  req.target = config_.base_path + std::string(path);
  req.body = std::string(body);
  req.content_type = std::string(content_type);
  if (const std::string t = token(); !t.empty())
    req.headers.emplace_back("Authorization", "Bearer " + t);
  return req;
}

Result<std::unique_ptr<HttpConnection>> KubeClient::connect() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return HttpConnection::open(config_.host, config_.port, tls_.get(), o_.timeout);
}

Result<metrics::HttpResponse> KubeClient::call(std::string_view method, std::string_view path,
                                               std::string_view body,
                                               std::string_view content_type) {
  const HttpRequest req = make_request(method, path, body, content_type);
  std::optional<Result<metrics::HttpResponse>> last;
  const int attempts = std::max(1, o_.max_attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      retries_++;
      std::optional<std::string> retry_after;
      if (last->ok()) retry_after = (*last)->header("retry-after");
      std::this_thread::sleep_for(retry_wait(o_.backoff, attempt - 1, retry_after));
    }
    throttle();
    auto conn = connect();
    if (!conn.ok()) {
      last = conn.error();
      if (conn.error().path == "tls") return conn.error();  // a wrong CA does not heal
      continue;
    }
    requests_++;
    last = (*conn)->exchange(req);
    if ((*conn)->reusable() && last->ok()) {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(*conn));
    }
    if (last->ok() ? !retryable_status((*last)->status) : !retryable_error(last->error())) break;
  }
  return std::move(*last);
}

Result<metrics::HttpResponse> KubeClient::stream(
    std::string_view path, const std::function<bool(std::string_view)>& on_line,
    std::chrono::milliseconds idle) {
  throttle();
  auto conn = HttpConnection::open(config_.host, config_.port, tls_.get(), o_.timeout);
  if (!conn.ok()) return conn.error();
  {
    std::lock_guard lock(mu_);
    if (interrupted_) return Error{"closed", "the client is shutting down"};
    streams_.insert(conn->get());
  }
  requests_++;
  auto result = (*conn)->stream_lines(make_request("GET", path, {}, {}), on_line, idle);
  std::lock_guard lock(mu_);
  streams_.erase(conn->get());
  return result;
}

void KubeClient::interrupt_streams() {
  std::lock_guard lock(mu_);
  interrupted_ = true;
  for (auto* c : streams_) c->interrupt();
}

}  // namespace userscale::actuate::kube
