// A fake Kubernetes API server for tests, speaking the real wire protocol over HTTPS (Beast,
// OpenSSL, certificates made at test time): JSON objects as the API returns them (apiVersion,
// kind, metadata with resourceVersion, uid, creationTimestamp), Status bodies for errors.
//
//  * apps/v1 deployments (and /scale: autoscaling/v1 Scale GET, PUT, merge PATCH; 409 on a
//    stale resourceVersion). A small deployment controller keeps the pods in line with
//    spec.replicas (Running and Ready, the template's labels and annotations, podIP) and
//    writes the deployment's status.
//  * core/v1 pods LIST (labelSelector) and WATCH (chunked JSON lines, BOOKMARK events, an
//    ERROR event with 410 Expired for a compacted resourceVersion); events POST.
//  * userscale.dev/v1alpha1 gpuautoscalers LIST/WATCH, PATCH of /status.
//  * coordination.k8s.io/v1 leases GET/POST/PUT (409 AlreadyExists, 409 Conflict).
//  * the metrics APIs the HPA reads (fake_apiserver_metrics.cpp), with the JSON their servers
//    write: metrics.k8s.io/v1beta1 PodMetrics (metrics-server), custom.metrics.k8s.io/v1beta2
//    MetricValueList for pods/*/METRIC and one object, external.metrics.k8s.io/v1beta1
//    ExternalMetricValueList; 404 for a metric nobody serves, as an adapter answers.
//  * discovery (/api, /apis, /api/v1, /apis/G/V, /version) so that kubectl can talk to it
//    (`kubectl top` included).
//  * faults for the next N matching requests: any status (with Retry-After), slow answers,
//    dropped connections.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_apiserver_certs.h"
#include "support/scratch_dir.h"

namespace userscale::testing {

struct FakeFault {
  enum class Kind { Status, Slow, Drop };
  Kind kind = Kind::Status;
  int status = 500;
  std::optional<int> retry_after;      // seconds, on a Status fault
  std::chrono::milliseconds delay{0};  // Slow: before answering
  std::string method;                  // empty: any
  std::string path_contains;           // empty: any path
  int count = 1;
};

struct FakeApiServerOptions {
  bool tls = true;
  std::string token = "test-token";  // empty: no bearer needed
  bool accept_client_cert = true;    // a client certificate signed by the CA also authenticates
  std::chrono::milliseconds bookmark_interval{1000};
  std::string pod_ip = "127.0.0.1";
  bool run_deployments = true;  // the deployment controller
  int threads_hint = 0;
};

// A metav1.Status failure body, as the API server writes it for an error.
nlohmann::json fake_status(int code, const std::string& reason, const std::string& message);
// Now, as an RFC 3339 timestamp in UTC (creationTimestamp, startTime).
std::string fake_timestamp();

struct LoggedRequest {
  std::string method, path, query, content_type;
  int status = 0;
};

class FakeApiServer {
 public:
  explicit FakeApiServer(FakeApiServerOptions o = {});
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  int port() const { return port_; }
  std::string url() const;
  const TestCerts& certs() const { return certs_; }
  std::string dir() const { return dir_.str(); }
  // A kubeconfig for this server in `file` (token auth with the server's token by default).
  std::string write_kubeconfig(const std::string& file, KubeconfigAuth auth = KubeconfigAuth::Token,
                               bool inline_data = false);
  void set_token(const std::string& token);

  // The store. Paths are API paths: "/apis/apps/v1/namespaces/default/deployments/web".
  nlohmann::json create(nlohmann::json object);  // its collection from apiVersion and kind
  std::optional<nlohmann::json> get(const std::string& path) const;
  std::vector<nlohmann::json> list(const std::string& collection_path) const;
  // Sets spec.replicas as a user would (kubectl scale), through the deployment controller.
  void set_replicas(const std::string& ns, const std::string& name, int replicas);
  // Forgets the event history and ends the running watches: a watch from any version seen so
  // far gets 410 Gone (the client must relist).
  void compact();
  std::int64_t resource_version() const;

  void inject(FakeFault f);
  void clear_faults();

  // The metrics APIs, answered for the pods that exist when asked, stamped with the time of the
  // answer. The last rule set for a pod wins.
  // metrics.k8s.io: every container of the pods in `ns` matched by `selector` uses `usage`
  // ({"cpu": "250m", "memory": "64Mi"}).
  void set_pod_usage(const std::string& ns, const std::string& selector,
                     const std::map<std::string, std::string>& usage);
  // custom.metrics.k8s.io pods/*/`metric`: `value` (a quantity) for the pods matched, as a
  // series with `metric_labels` (for metricLabelSelector).
  void set_pod_metric(const std::string& ns, const std::string& selector, const std::string& metric,
                      const std::string& value,
                      const std::map<std::string, std::string>& metric_labels = {});
  // custom.metrics.k8s.io for one object: `resource` as the API names it ("deployments.apps").
  void set_object_metric(const std::string& ns, const std::string& resource,
                         const std::string& kind, const std::string& name,
                         const std::string& metric, const std::string& value);
  // external.metrics.k8s.io: one series of `metric` in `ns`; `labels` answer labelSelector.
  void set_external_metric(const std::string& ns, const std::string& metric,
                           const std::map<std::string, std::string>& labels,
                           const std::string& value);
  // Leaves a pod out of every metrics answer, as metrics-server does before its first scrape.
  void hide_pod_metrics(const std::string& ns, const std::string& pod, bool hidden = true);
  void clear_metrics();
  // Serves `body` as text/plain for GET `path` without authentication (a pod's /metrics in
  // tests); an empty body removes it (then 404).
  void set_text(const std::string& path, const std::string& body);
  std::vector<LoggedRequest> requests() const;
  std::size_t request_count() const { return request_count_.load(); }
  int count(const std::string& method, const std::string& path_contains) const;

  // A Deployment as `kubectl create` would send it: selector and template labels app=NAME, one
  // container with a port named metrics, and the template annotations given.
  static nlohmann::json deployment(const std::string& ns, const std::string& name, int replicas,
                                   int metrics_port,
                                   const std::map<std::string, std::string>& annotations = {});

  struct Conn;
  struct Route;
  struct ForgetFd;

 private:
  void accept_loop();
  void serve(std::shared_ptr<Conn> c);
  template <class Stream>
  void serve_stream(Stream& s, Conn& c);
  template <class Stream>
  bool handle(Stream& s, const Route& r, Conn& c);
  template <class Stream>
  void watch(Stream& s, const Route& r);
  std::optional<FakeFault> take_fault(const std::string& method, const std::string& path);
  void log_request(const Route& r, int status);
  struct Answer {
    int status = 200;
    nlohmann::json body;
    std::map<std::string, std::string> headers;
  };
  Answer dispatch(const Route& r);
  Answer discovery(const Route& r) const;
  // fake_apiserver_metrics.cpp (mu_ held by neither)
  Answer metrics_api(const Route& r);
  nlohmann::json metrics_api_groups() const;
  struct MetricRule {
    std::string ns, selector, metric, value;
    std::map<std::string, std::string> labels;  // usage (pods), metric labels (custom, external)
    std::string resource, kind, name;           // an object's metric
  };
  // store (mu_ held)
  nlohmann::json put_locked(const std::string& key, nlohmann::json obj, const char* type);
  void remove_locked(const std::string& key);
  void reconcile_deployment_locked(const std::string& key);

  FakeApiServerOptions o_;
  ScratchDir dir_;
  TestCerts certs_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex conns_mu_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::shared_ptr<void> tls_ctx_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::string token_;
  std::int64_t rv_ = 1;
  std::int64_t compacted_ = 0;
  std::int64_t compactions_ = 0;
  std::int64_t uid_ = 0;
  std::map<std::string, int> next_pod_;            // per deployment key: the next pod's number
  std::map<std::string, nlohmann::json> objects_;  // key: group/plural/ns/name
  struct Event {
    std::int64_t rv;
    std::string type, collection, ns;  // collection: group/plural
    nlohmann::json object;
  };
  std::vector<Event> history_;
  std::vector<FakeFault> faults_;
  std::map<std::string, std::string> texts_;
  std::vector<MetricRule> pod_usage_, pod_metrics_, object_metrics_, external_metrics_;
  std::set<std::string> hidden_pods_;  // "ns/name"
  std::vector<LoggedRequest> log_;
  std::atomic<std::size_t> request_count_{0};
};

}  // namespace userscale::testing
