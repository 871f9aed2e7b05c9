#include "support/fake_apiserver.h"
#include "support/fake_apiserver_route.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <ctime>
#include <sstream>

#include "actuate/kube/timed_socket.h"
#include "core/labels.h"

namespace userscale::testing {
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using actuate::kube::TimedSocket;
using nlohmann::json;

namespace {

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

Labels labels_of(const json& obj) {
  Labels out;
  if (obj.contains("metadata") && obj["metadata"].contains("labels")) {
    for (const auto& [k, v] : obj["metadata"]["labels"].items()) out[k] = v.get<std::string>();
  }
  return out;
}

bool selected(const std::string& selector, const json& obj) {
  if (selector.empty()) return true;
  auto reqs = parse_selector_string(selector);
  if (!reqs) return false;
  const Labels l = labels_of(obj);
  for (const auto& r : *reqs) {
    if (!requirement_matches(r, l)) return false;
  }
  return true;
}

std::string chunk(const std::string& data) {
  std::ostringstream s;
  s << std::hex << data.size() << "\r\n" << data << "\r\n";
  return s.str();
}

}  // namespace

json fake_status(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"code", code}};
}

std::string fake_timestamp() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct FakeApiServer::Conn {
  int fd = -1;  // -1 once the serving thread is about to close it
  std::unique_ptr<boost::asio::io_context> io = std::make_unique<boost::asio::io_context>();
  bool verified_client = false;
  std::atomic<bool> done{false};
  std::thread thread;
};

// Forgets a connection's descriptor before its socket closes it, so that the destructor never
// shuts down a descriptor number that has been reused by then.
struct FakeApiServer::ForgetFd {
  FakeApiServer& server;
  Conn& conn;
  ~ForgetFd() {
    std::lock_guard lock(server.conns_mu_);
    conn.fd = -1;
  }
};

FakeApiServer::FakeApiServer(FakeApiServerOptions o)
    : o_(std::move(o)), dir_("fake-apiserver"), token_(o_.token) {
  certs_ = make_test_certs(dir_.str());
  if (o_.tls) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->use_certificate_chain_file(certs_.server_crt);
    ctx->use_private_key_file(certs_.server_key, ssl::context::pem);
    if (o_.accept_client_cert) {
      ctx->load_verify_file(certs_.ca_crt);
      ctx->set_verify_mode(ssl::verify_peer);  // asks for one; a request may also use a token
    }
    tls_ctx_ = ctx;
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 512) != 0) {
    throw std::runtime_error("fake apiserver: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeApiServer::~FakeApiServer() {
  stop_ = true;
  changed_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::shared_ptr<Conn>> conns;
  {
    std::lock_guard lock(conns_mu_);
    for (auto& c : conns_) {
      if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
    }
    conns.swap(conns_);
  }
  for (auto& c : conns) c->thread.join();
}

std::string FakeApiServer::url() const {
  return std::string(o_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string FakeApiServer::write_kubeconfig(const std::string& file, KubeconfigAuth auth,
                                            bool inline_data) {
  KubeconfigSpec s;
  s.server = url();
  s.ca_file = certs_.ca_crt;
  s.inline_data = inline_data;
  s.auth = auth;
  {
    std::lock_guard lock(mu_);
    s.token = token_;
  }
  s.token_file = dir_.file("token");
  if (auth == KubeconfigAuth::TokenFile) write_text(s.token_file, s.token + "\n");
  s.client_crt = certs_.client_crt;
  s.client_key = certs_.client_key;
  write_text(file, kubeconfig_yaml(s));
  return file;
}

void FakeApiServer::set_token(const std::string& token) {
  std::lock_guard lock(mu_);
  token_ = token;
}

void FakeApiServer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    auto c = std::make_shared<Conn>();
    c->fd = fd;
    std::lock_guard lock(conns_mu_);
    for (auto it = conns_.begin(); it != conns_.end();) {  // reap finished connections
      if ((*it)->done) {
        (*it)->thread.join();
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
    conns_.push_back(c);
    c->thread = std::thread([this, c] {
      serve(c);
      c->done = true;
    });
  }
}

void FakeApiServer::serve(std::shared_ptr<Conn> c) {
  try {
    boost::asio::ip::tcp::socket sock(*c->io, boost::asio::ip::tcp::v4(), c->fd);
    TimedSocket timed(std::move(sock), std::chrono::seconds(60));
    if (tls_ctx_) {
      ssl::stream<TimedSocket> s(std::move(timed),
                                 *std::static_pointer_cast<ssl::context>(tls_ctx_));
      boost::system::error_code ec;
      ForgetFd forget{*this, *c};
      s.handshake(ssl::stream_base::server, ec);
      if (ec) return;
      c->verified_client = SSL_get0_peer_certificate(s.native_handle()) != nullptr &&
                           SSL_get_verify_result(s.native_handle()) == X509_V_OK;
      serve_stream(s, *c);
    } else {
      ForgetFd forget{*this, *c};
      serve_stream(timed, *c);
    }
  } catch (const std::exception&) {
    // a connection that breaks mid-way is the client's business
  }
}

template <class Stream>
void FakeApiServer::serve_stream(Stream& s, Conn& c) {
  boost::beast::flat_buffer buffer;
  while (!stop_) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    http::read(s, buffer, parser, ec);
    if (ec) return;
    auto req = parser.release();
    Route r;
    r.method = std::string(req.method_string());
    const std::string target(req.target());
    const std::size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      r.query_text = target.substr(q + 1);
      std::stringstream qs(r.query_text);
      for (std::string kv; std::getline(qs, kv, '&');) {
        const std::size_t eq = kv.find('=');
        r.query[url_decode(kv.substr(0, eq))] =
            eq == std::string::npos ? "" : url_decode(kv.substr(eq + 1));
      }
    }
    r.body = req.body();
    r.content_type = std::string(req[http::field::content_type]);
    r.authorization = std::string(req[http::field::authorization]);
    if (!handle(s, r, c)) return;
  }
}

std::optional<FakeFault> FakeApiServer::take_fault(const std::string& method,
                                                   const std::string& path) {
  std::lock_guard lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->method.empty() && it->method != method) continue;
    if (!it->path_contains.empty() && path.find(it->path_contains) == std::string::npos) continue;
    FakeFault f = *it;
    if (--it->count <= 0) faults_.erase(it);
    return f;
  }
  return std::nullopt;
}

void FakeApiServer::log_request(const Route& r, int status) {
  request_count_++;
  std::lock_guard lock(mu_);
  if (log_.size() < 200'000)
    log_.push_back({r.method, r.path, r.query_text, r.content_type, status});
}

template <class Stream>
bool FakeApiServer::handle(Stream& s, const Route& route, Conn& c) {
  Route r = route;
  auto fault = take_fault(r.method, r.path + "?" + r.query_text);
  if (fault && fault->kind == FakeFault::Kind::Drop) {
    log_request(r, 0);
    return false;  // closes the connection without an answer
  }
  if (fault && fault->kind == FakeFault::Kind::Slow) std::this_thread::sleep_for(fault->delay);
  Answer a;
  bool authorized = c.verified_client;
  std::optional<std::string> text;
  {
    std::lock_guard lock(mu_);
    if (token_.empty() || r.authorization == "Bearer " + token_) authorized = true;
    if (auto t = texts_.find(r.path); t != texts_.end() && r.method == "GET") text = t->second;
  }
  if (text) {
    log_request(r, 200);
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = *text;
    res.keep_alive(true);
    res.prepare_payload();
    boost::system::error_code ec;
    http::write(s, res, ec);
    return !ec;
  }
  // parse the API path
  std::vector<std::string> parts;
  {
    std::stringstream ps(r.path);
    // Segments are percent-decoded, as the API server does (kubectl writes "*" as %2A).
    for (std::string p; std::getline(ps, p, '/');) {
      if (!p.empty()) parts.push_back(url_decode(p));
    }
  }
  std::size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    r.version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    r.group = parts[1];
    r.version = parts[2];
    i = 3;
  }
  if (i > 0 && i < parts.size()) {
    if (parts[i] == "namespaces" && i + 2 < parts.size()) {
      r.ns = parts[i + 1];
      i += 2;
    }
    r.plural = parts[i];
    if (i + 1 < parts.size()) r.name = parts[i + 1];
    if (i + 2 < parts.size()) r.sub = parts[i + 2];
    r.res = fake_kind(r.group, r.plural);
    r.is_resource = r.res != nullptr && r.version == r.res->version;
  }
  if (!authorized) {
    a = {401, fake_status(401, "Unauthorized", "Unauthorized"), {}};
  } else if (fault && fault->kind == FakeFault::Kind::Status) {
    a.status = fault->status;
    a.body = fake_status(fault->status, fault->status == 429 ? "TooManyRequests" : "InternalError",
                         "injected fault");
    if (fault->status == 410) a.body = fake_status(410, "Expired", "too old resource version");
    if (fault->status == 409) a.body = fake_status(409, "Conflict", "injected conflict");
    if (fault->retry_after) a.headers["Retry-After"] = std::to_string(*fault->retry_after);
  } else if (r.is_resource && r.method == "GET" && r.name.empty() && r.is_watch()) {
    log_request(r, 200);
    watch(s, r);
    return false;
  } else {
    a = dispatch(r);
  }
  log_request(r, a.status);
  http::response<http::string_body> res{static_cast<http::status>(a.status), 11};
  res.set(http::field::content_type, "application/json");
  for (const auto& [k, v] : a.headers) res.set(k, v);
  res.body() = a.body.is_null() ? "" : a.body.dump();
  res.keep_alive(true);
  res.prepare_payload();
  boost::system::error_code ec;
  http::write(s, res, ec);
  return !ec;
}

template <class Stream>
void FakeApiServer::watch(Stream& s, const Route& r) {
  const std::string selector = r.query.count("labelSelector") ? r.query.at("labelSelector") : "";
  const bool bookmarks =
      r.query.count("allowWatchBookmarks") &&
      (r.query.at("allowWatchBookmarks") == "true" || r.query.at("allowWatchBookmarks") == "1");
  const double timeout_s =
      r.query.count("timeoutSeconds") ? std::stod(r.query.at("timeoutSeconds")) : 1800.0;
  const std::string rv_text = r.query.count("resourceVersion") ? r.query.at("resourceVersion") : "";
  boost::system::error_code ec;
  boost::asio::write(
      s,
      boost::asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n")),
      ec);
  if (ec) return;
  auto send = [&](const std::string& type, const json& obj) {
    const std::string line = json{{"type", type}, {"object", obj}}.dump() + "\n";
    boost::asio::write(s, boost::asio::buffer(chunk(line)), ec);
    return !ec;
  };
  const auto matches = [&](const std::string& collection, const std::string& ns, const json& o) {
    return collection == r.collection() && (r.ns.empty() || ns == r.ns) && selected(selector, o);
  };
  std::int64_t from = 0;
  std::int64_t epoch = 0;
  std::vector<std::pair<std::string, json>> initial;
  {
    std::lock_guard lock(mu_);
    epoch = compactions_;
    if (rv_text.empty() || rv_text == "0") {
      for (const auto& [key, o] : objects_) {
        const std::string ns = o["metadata"].value("namespace", "");
        if (key.rfind(r.collection() + "/", 0) == 0 && matches(r.collection(), ns, o)) {
          initial.emplace_back("ADDED", o);
        }
      }
      from = rv_;
    } else {
      from = std::stoll(rv_text);
      if (from < compacted_) {
        initial.emplace_back("ERROR", fake_status(410, "Expired",
                                                  "too old resource version: " + rv_text + " (" +
                                                      std::to_string(compacted_) + ")"));
        from = -1;
      }
    }
  }
  for (const auto& [type, o] : initial) {
    if (!send(type, o)) return;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  auto last_bookmark = std::chrono::steady_clock::now();
  while (from >= 0 && !stop_ && std::chrono::steady_clock::now() < deadline) {
    std::vector<Event> due;
    std::int64_t current = 0;
    {
      std::unique_lock lock(mu_);
      changed_.wait_for(lock, std::chrono::milliseconds(100));
      if (epoch != compactions_) break;  // compacted: the server ends running watches
      for (auto it = history_.rbegin(); it != history_.rend() && it->rv > from; ++it) {
        if (matches(it->collection, it->ns, it->object)) due.push_back(*it);
      }
      current = rv_;
    }
    for (auto it = due.rbegin(); it != due.rend(); ++it) {
      if (!send(it->type, it->object)) return;
    }
    from = current;
    if (bookmarks && std::chrono::steady_clock::now() - last_bookmark >= o_.bookmark_interval) {
      last_bookmark = std::chrono::steady_clock::now();
      const json bm = {{"kind", r.res->kind},
                       {"apiVersion", fake_api_version(*r.res)},
                       {"metadata", {{"resourceVersion", std::to_string(current)}}}};
      if (!send("BOOKMARK", bm)) return;
    }
  }
  boost::asio::write(s, boost::asio::buffer(std::string("0\r\n\r\n")), ec);
}

}  // namespace userscale::testing
