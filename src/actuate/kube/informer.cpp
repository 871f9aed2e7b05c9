#include "actuate/kube/informer.h"

#include "metrics/promql_client.h"

namespace userscale::actuate::kube {
using nlohmann::json;

std::string object_key(const json& obj) {
  const json& md = obj.value("metadata", json::object());
  return md.value("namespace", "") + "/" + md.value("name", "");
}

Informer::Informer(KubeClient& client, InformerOptions o) : client_(client), o_(std::move(o)) {}

Informer::~Informer() {
  stop();
}

void Informer::start() {
  thread_ = std::thread([this] { run(); });
}

void Informer::stop() {
  if (stop_.exchange(true)) return;
  client_.interrupt_streams();
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_synced(std::chrono::milliseconds limit) {
  std::unique_lock lock(mu_);
  return synced_cv_.wait_for(lock, limit, [this] { return synced_; });
}

std::vector<json> Informer::objects() const {
  std::lock_guard lock(mu_);
  std::vector<json> out;
  out.reserve(objects_.size());
  for (const auto& [k, v] : objects_) out.push_back(v);
  return out;
}

std::optional<json> Informer::object(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = objects_.find(ns + "/" + name);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

void Informer::for_each(const std::function<void(const json&)>& f) const {
  std::lock_guard lock(mu_);
  for (const auto& [k, v] : objects_) f(v);
}

std::string Informer::resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

InformerCounters Informer::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::string Informer::query(bool watch) const {
  std::string q = o_.collection + "?";
  if (!o_.label_selector.empty())
    q += "labelSelector=" + metrics::url_encode(o_.label_selector) + "&";
  if (watch) {
    q += "watch=1&allowWatchBookmarks=true&timeoutSeconds=" +
         std::to_string(o_.watch_timeout_seconds) + "&resourceVersion=" + resource_version();
  } else {
    q += "limit=0";
  }
  return q;
}

void Informer::run() {
  bool need_list = true;
  while (!stop_) {
    if (need_list) {
      if (!relist()) {
        for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(o_.retry_wait / 10);
        continue;
      }
      need_list = false;
    }
    need_list = !watch_once();
  }
}

bool Informer::relist() {
  auto r = client_.call("GET", query(false));
  if (!r.ok() || r->status != 200) return false;
  json list;
  try {
    list = json::parse(r->body);
  } catch (const json::exception&) {
    return false;
  }
  std::map<std::string, json> fresh;
  for (const auto& item : list.value("items", json::array())) fresh[object_key(item)] = item;
  {
    std::lock_guard lock(mu_);
    objects_ = std::move(fresh);
    rv_ = list["metadata"].value("resourceVersion", "");
    counters_.lists++;
    synced_ = true;
  }
  synced_cv_.notify_all();
  if (o_.on_change) o_.on_change("SYNCED", json());
  return true;
}

bool Informer::watch_once() {
  {
    std::lock_guard lock(mu_);
    counters_.watches++;
  }
  bool expired = false;
  auto r = client_.stream(
      query(true),
      [&](std::string_view line) {
        json ev;
        try {
          ev = json::parse(line);
        } catch (const json::exception&) {
          return true;
        }
        if (!ev.is_object() || !ev.contains("object") || !ev["object"].is_object()) return true;
        const std::string type = ev.value("type", "");
        const json& obj = ev["object"];
        if (type == "ERROR") {
          expired = obj.value("code", 0) == 410;
          return false;
        }
        const json md = obj.value("metadata", json::object());
        const std::string rv = md.is_object() ? md.value("resourceVersion", "") : "";
        {
          std::lock_guard lock(mu_);
          if (!rv.empty()) rv_ = rv;
          if (type == "BOOKMARK") {
            counters_.bookmarks++;
            return !stop_.load();
          }
          if (type == "DELETED") {
            objects_.erase(object_key(obj));
          } else {
            objects_[object_key(obj)] = obj;
          }
        }
        if (o_.on_change) o_.on_change(type, obj);
        return !stop_.load();
      },
      std::chrono::seconds(o_.watch_timeout_seconds + 30));
  if (r.ok() && r->status == 410) expired = true;
  if (expired) {
    std::lock_guard lock(mu_);
    counters_.expired++;
    return false;
  }
  if (!r.ok() || r->status != 200) {
    for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(o_.retry_wait / 10);
  }
  return true;
}

}  // namespace userscale::actuate::kube
