#include "controller/local_world.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "actuate/process.h"
#include "actuate/run_state.h"
#include "controller/prometheus_source.h"
#include "controller/scrape_source.h"

namespace userscale::controller {

using actuate::ReplicaState;

void LocalWorld::log(const std::string& line) const {
  if (o_.log) o_.log(line);
}

Result<std::unique_ptr<LocalWorld>> LocalWorld::start(LocalWorldOptions o) {
  std::error_code ec;
  o.run_dir = std::filesystem::absolute(o.run_dir, ec);
  std::filesystem::create_directories(o.run_dir, ec);
  if (ec) return Error{"--run-dir", "cannot create " + o.run_dir.string() + ": " + ec.message()};
  if (o.userscale_binary.empty()) o.userscale_binary = actuate::self_binary();
  if (o.source != "prometheus" && o.source != "scrape") {
    return Error{"--source", "expected prometheus or scrape, got \"" + o.source + "\""};
  }
  std::unique_ptr<LocalWorld> w(new LocalWorld(o));
  actuate::RunState old;
  if (std::filesystem::exists(w->state_file())) {
    auto s = actuate::read_run_state(w->state_file());
    if (!s.ok()) return s.error();
    old = std::move(s).value();
    if (old.scaler_pid != 0 && old.scaler_pid != getpid() && actuate::is_alive(old.scaler_pid) &&
        actuate::command_line(old.scaler_pid).find(" scaler") != std::string::npos) {
      return Error{"--run-dir", "another scaler (pid " + std::to_string(old.scaler_pid) +
                                    ") runs on " + o.run_dir.string()};
    }
  }

  actuate::HaproxyOptions ho;
  ho.binary = o.haproxy_binary;
  ho.run_dir = o.run_dir;
  ho.slots = std::max(2 * o.max_replicas, o.max_replicas + 2);
  ho.port = o.haproxy_port != 0 ? o.haproxy_port : old.haproxy_port;
  if (old.haproxy_pid != 0) {
    auto a = actuate::Haproxy::adopt(ho, old.haproxy_pid);
    if (a.ok() && (o.haproxy_port == 0 || o.haproxy_port == old.haproxy_port)) {
      w->haproxy_ = std::move(a).value();
      w->log("adopted HAProxy (pid " + std::to_string(old.haproxy_pid) + ")");
    } else if (actuate::is_alive(old.haproxy_pid) &&
               actuate::command_line(old.haproxy_pid).find("haproxy") != std::string::npos) {
      actuate::terminate(old.haproxy_pid, std::chrono::seconds(2));
    }
  }
  if (!w->haproxy_) {
    auto h = actuate::Haproxy::start(ho);
    if (!h.ok()) return h.error();
    w->haproxy_ = std::move(h).value();
  }

  actuate::PoolOptions po;
  po.binary = o.userscale_binary;
  po.run_dir = o.run_dir;
  po.serve_args = o.serve_args;
  po.drain_timeout = o.drain_timeout;
  po.term_grace = o.term_grace;
  w->pool_ = std::make_unique<actuate::ProcessPool>(po, w->haproxy_.get());
  LocalWorld* raw = w.get();
  w->pool_->on_event([raw](const std::string& e) { raw->log(e); });
  const int adopted = w->pool_->adopt(old.replicas, old.next_seq);

  if (o.source == "prometheus") {
    actuate::PrometheusOptions po2;
    po2.binary = o.prometheus_binary;
    po2.run_dir = o.run_dir;
    po2.port = old.prometheus_port;
    po2.scrape_interval = o.scrape_interval;
    if (old.prometheus_pid != 0) {
      auto a = actuate::PrometheusServer::adopt(po2, old.prometheus_pid);
      if (a.ok()) {
        w->prometheus_ = std::move(a).value();
        w->log("adopted Prometheus (pid " + std::to_string(old.prometheus_pid) + ")");
      } else if (actuate::is_alive(old.prometheus_pid) &&
                 actuate::command_line(old.prometheus_pid).find("prometheus") !=
                     std::string::npos) {
        actuate::terminate(old.prometheus_pid, std::chrono::seconds(5));
      }
    }
    if (!w->prometheus_) {
      auto p = actuate::PrometheusServer::start(po2);
      if (!p.ok()) {
        w->pool_->shutdown();
        w->haproxy_->stop();
        return p.error();
      }
      w->prometheus_ = std::move(p).value();
    }
    PrometheusSourceOptions so;
    so.port = std::to_string(w->prometheus_->port());
    so.window = o.window;
    so.cpu_request_cores = o.cpu_request_cores;
    w->source_ = std::make_unique<PrometheusSource>(so);
  } else {
    ScrapeSourceOptions so;
    so.window = o.window;
    so.cpu_request_cores = o.cpu_request_cores;
    w->source_ = std::make_unique<ScrapeSource>(so);
  }

  w->pool_->on_change([raw](const std::vector<actuate::ReplicaInfo>&) { raw->save_state(); });
  w->pool_->set_desired(std::clamp(adopted, o.min_replicas, o.max_replicas));
  w->save_state();
  w->pool_->start();
  return w;
}

LocalWorld::~LocalWorld() {
  stop();
}

void LocalWorld::save_state() {
  std::lock_guard lock(save_mu_);
  if (stopped_) return;
  actuate::RunState s;
  s.scaler_pid = getpid();
  s.haproxy_pid = haproxy_->pid();
  s.haproxy_port = haproxy_->port();
  if (prometheus_) {
    s.prometheus_pid = prometheus_->pid();
    s.prometheus_port = prometheus_->port();
  }
  s.next_seq = pool_->next_seq();
  std::vector<actuate::ScrapeTarget> targets;
  for (const auto& r : pool_->replicas()) {
    s.replicas.push_back(r.record);
    if (r.record.port != 0) {
      targets.push_back({"127.0.0.1:" + std::to_string(r.record.port), r.record.name});
    }
  }
  if (auto st = actuate::write_run_state(state_file(), s); !st.ok()) log(st.error().to_string());
  if (prometheus_) {
    if (auto st = prometheus_->write_targets(targets); !st.ok()) log(st.error().to_string());
  }
}

Status LocalWorld::ensure_prometheus() {
  // A Prometheus that died is started again (a stopped one is waited for: the source's
  // timeouts make the controller hold meanwhile).
  if (!prometheus_ || prometheus_->alive()) return ok_status();
  log("Prometheus (pid " + std::to_string(prometheus_->pid()) + ") is gone; starting it again");
  actuate::PrometheusOptions po;
  po.binary = o_.prometheus_binary;
  po.run_dir = o_.run_dir;
  po.port = prometheus_->port();
  po.scrape_interval = o_.scrape_interval;
  auto p = actuate::PrometheusServer::start(po);
  if (!p.ok()) return p.error();
  {
    std::lock_guard lock(save_mu_);
    prometheus_ = std::move(p).value();
  }
  save_state();
  return ok_status();
}

Status LocalWorld::ensure_haproxy() {
  // Clients keep the same address: HAProxy comes back on its port, with the ready replicas.
  if (haproxy_->alive()) return ok_status();
  log("HAProxy (pid " + std::to_string(haproxy_->pid()) + ") is gone; starting it again on port " +
      std::to_string(haproxy_->port()));
  if (auto s = haproxy_->restart(); !s.ok()) return s;
  pool_->resync_balancer();
  save_state();
  return ok_status();
}

Result<ActuatorState> LocalWorld::state() {
  if (auto s = ensure_haproxy(); !s.ok()) log(s.error().to_string());
  if (auto s = ensure_prometheus(); !s.ok()) log(s.error().to_string());
  ActuatorState st;
  st.desired = pool_->desired();
  for (const auto& r : pool_->replicas()) {
    ReplicaView v;
    v.name = r.record.name;
    v.started = r.record.started;
    if (r.record.port != 0) v.address = "127.0.0.1:" + std::to_string(r.record.port);
    switch (r.state) {
      case ReplicaState::Starting:
        v.phase = ReplicaPhase::Starting;
        ++st.current;
        break;
      case ReplicaState::Ready:
        v.phase = ReplicaPhase::Ready;
        ++st.current;
        ++st.ready;
        break;
      case ReplicaState::Draining:
      case ReplicaState::Terminating:
        v.phase = ReplicaPhase::Terminating;
        break;
    }
    st.replicas.push_back(std::move(v));
  }
  return st;
}

Status LocalWorld::scale(std::int32_t replicas) {
  if (replicas < 0 || replicas > o_.max_replicas) {
    return Error{"scale", "count " + std::to_string(replicas) + " outside 0.." +
                              std::to_string(o_.max_replicas)};
  }
  pool_->set_desired(replicas);
  return ok_status();
}

void LocalWorld::stop() {
  {
    std::lock_guard lock(save_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  log("stopping: draining " + std::to_string(pool_->replicas().size()) + " replica(s)");
  pool_->shutdown();
  if (prometheus_) prometheus_->stop();
  haproxy_->stop();
  std::error_code ec;
  std::filesystem::remove(state_file(), ec);
  log("stopped: every process this scaler started or adopted has exited");
}

}  // namespace userscale::controller
