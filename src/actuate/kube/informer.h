// A list-and-watch cache of one collection, as client-go's informers keep one: LIST (with a
// label selector), then WATCH from the list's resourceVersion with bookmarks; every event
// updates the cache; a watch that ends is resumed from the last version seen (a bookmark
// moves it too); 410 Gone (an ERROR event or the answer's code) means relist. Objects are
// kept as the API sent them, by "namespace/name".
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actuate/kube/kube_client.h"

namespace userscale::actuate::kube {

struct InformerOptions {
  std::string collection;      // "/api/v1/namespaces/NS/pods", "/apis/G/V/PLURAL", ...
  std::string label_selector;  // empty: all
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds retry_wait{1000};  // after a failed list or watch
  // Called on the informer's thread after the cache changed: "ADDED", "MODIFIED", "DELETED",
  // or "SYNCED" after a (re)list (object null).
  std::function<void(const std::string& type, const nlohmann::json& object)> on_change;
};

struct InformerCounters {
  std::uint64_t lists = 0;
  std::uint64_t watches = 0;
  std::uint64_t expired = 0;  // 410s
  std::uint64_t bookmarks = 0;
};

class Informer {
 public:
  Informer(KubeClient& client, InformerOptions o);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void start();
  void stop();  // also wakes the client's streams
  bool wait_synced(std::chrono::milliseconds limit);

  std::vector<nlohmann::json> objects() const;
  std::optional<nlohmann::json> object(const std::string& ns, const std::string& name) const;
  // Calls f on every object under the lock (no copies); f must not call back.
  void for_each(const std::function<void(const nlohmann::json&)>& f) const;
  std::string resource_version() const;
  InformerCounters counters() const;

 private:
  void run();
  bool relist();
  // false: the watch must relist
  bool watch_once();
  std::string query(bool watch) const;

  KubeClient& client_;
  InformerOptions o_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::condition_variable synced_cv_;
  bool synced_ = false;
  std::string rv_;
  std::map<std::string, nlohmann::json> objects_;
  InformerCounters counters_;
};

// "namespace/name" of an object.
std::string object_key(const nlohmann::json& obj);

}  // namespace userscale::actuate::kube
