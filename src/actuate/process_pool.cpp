#include "actuate/process_pool.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "actuate/process.h"
#include "metrics/http_client.h"

namespace userscale::actuate {
namespace {

using steady = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int http_status(int port, const char* path) {
  metrics::HttpClient c("127.0.0.1", std::to_string(port), std::chrono::milliseconds(500));
  auto r = c.get(path);
  return r.ok() ? r->status : 0;
}

bool is_live(ReplicaState s) {
  return s == ReplicaState::Starting || s == ReplicaState::Ready;
}

}  // namespace

const char* state_name(ReplicaState s) {
  switch (s) {
    case ReplicaState::Starting:
      return "starting";
    case ReplicaState::Ready:
      return "ready";
    case ReplicaState::Draining:
      return "draining";
    case ReplicaState::Terminating:
      return "terminating";
  }
  return "starting";
}

ProcessPool::ProcessPool(PoolOptions options, Balancer* balancer)
    : o_(std::move(options)), balancer_(balancer) {
  std::error_code ec;
  std::filesystem::create_directories(o_.run_dir / "replicas", ec);
}

ProcessPool::~ProcessPool() {
  stop_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProcessPool::on_change(std::function<void(const std::vector<ReplicaInfo>&)> f) {
  on_change_ = std::move(f);
}

void ProcessPool::on_event(std::function<void(const std::string&)> f) {
  on_event_ = std::move(f);
}

int ProcessPool::slot_count() const {
  return balancer_ ? balancer_->slots() : o_.slots;
}

int ProcessPool::free_slot() const {
  std::set<int> used;
  for (const auto& r : replicas_) used.insert(r.info.record.slot);
  for (int s = 1; s <= slot_count(); ++s) {
    if (!used.count(s)) return s;
  }
  return 0;
}

std::filesystem::path ProcessPool::log_path(const std::string& name) const {
  return o_.run_dir / "replicas" / (name + ".log");
}

void ProcessPool::set_desired(int n) {
  {
    std::lock_guard lock(mu_);
    desired_ = std::max(0, n);
  }
  wake_.notify_all();
}

int ProcessPool::desired() const {
  std::lock_guard lock(mu_);
  return desired_;
}

std::vector<ReplicaInfo> ProcessPool::replicas() const {
  std::lock_guard lock(mu_);
  std::vector<ReplicaInfo> out;
  for (const auto& r : replicas_) out.push_back(r.info);
  return out;
}

PoolCounters ProcessPool::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

int ProcessPool::next_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_;
}

namespace {

// initial x 2^(failures-1), capped; 0 before any failure.
std::chrono::milliseconds backoff_after(int failures, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds cap) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  auto wait = initial;
  for (int i = 1; i < failures && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

}  // namespace

std::chrono::milliseconds ProcessPool::restart_backoff() const {
  std::lock_guard lock(mu_);
  return backoff_after(failed_starts_, o_.restart_backoff_initial, o_.restart_backoff_max);
}

void ProcessPool::note_failed_start(steady::time_point now, std::vector<std::string>& events) {
  ++failed_starts_;
  const auto wait =
      backoff_after(failed_starts_, o_.restart_backoff_initial, o_.restart_backoff_max);
  next_start_ = now + wait;
  events.push_back("start failed " + std::to_string(failed_starts_) +
                   " time(s) in a row; next in " + std::to_string(wait.count()) + " ms");
}

std::optional<int> ProcessPool::port_from_log(const Replica& r) const {
  std::ifstream in(log_path(r.info.record.name));
  std::string line;
  const std::string marker = "listening on http://127.0.0.1:";
  while (std::getline(in, line)) {
    const auto at = line.find(marker);
    if (at == std::string::npos) continue;
    try {
      return std::stoi(line.substr(at + marker.size()));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Called with mu_ held.
void ProcessPool::start_one(std::vector<std::string>& events) {
  const int slot = free_slot();
  if (slot == 0) {
    events.push_back("no free balancer slot: cannot start another replica");
    return;
  }
  const std::string name = "replica-" + std::to_string(next_seq_++);
  std::vector<std::string> argv = {o_.binary.string(), "serve",    "--port", "0",
                                   "--bind",           "127.0.0.1"};
  argv.insert(argv.end(), o_.serve_args.begin(), o_.serve_args.end());
  auto pid = spawn(argv, log_path(name));
  if (!pid.ok()) {
    events.push_back(name + ": " + pid.error().to_string());
    return;
  }
  Replica r;
  r.info.record = ReplicaRecord{name, *pid, 0, slot, unix_now()};
  r.info.state = ReplicaState::Starting;
  r.deadline = steady::now() + o_.start_timeout;
  replicas_.push_back(std::move(r));
  ++counters_.started;
  events.push_back(name + " starting (pid " + std::to_string(*pid) + ", slot " +
                   std::to_string(slot) + ")");
}

void ProcessPool::step() {
  std::lock_guard step_lock(step_mu_);
  std::vector<Replica> work;
  {
    std::lock_guard lock(mu_);
    work = replicas_;
  }
  std::vector<std::string> events;
  bool changed = false;
  int died = 0, drained = 0, killed = 0, failed = 0, became_ready = 0;
  const auto now = steady::now();
  // Probes and signals without the lock: readers (the controller) never wait on a probe.
  for (auto& r : work) {
    ReplicaRecord& rec = r.info.record;
    const bool alive = is_alive(rec.pid);
    switch (r.info.state) {
      case ReplicaState::Starting:
        if (!alive) {
          events.push_back(rec.name + " exited while starting (pid " + std::to_string(rec.pid) +
                           "); see " + log_path(rec.name).string());
          ++died;
          ++failed;
          r.info.state = ReplicaState::Terminating;
          break;
        }
        if (rec.port == 0) {
          if (auto p = port_from_log(r)) {
            rec.port = *p;
            changed = true;
          }
        }
        if (rec.port != 0 && http_status(rec.port, "/readyz") == 200) {
          Status s = balancer_ ? balancer_->enable(rec.slot, rec.port) : ok_status();
          if (s.ok()) {
            r.info.state = ReplicaState::Ready;
            changed = true;
            ++became_ready;
            events.push_back(rec.name + " ready on 127.0.0.1:" + std::to_string(rec.port));
          } else {
            events.push_back(rec.name + ": cannot enable: " + s.error().to_string());
          }
        } else if (now > r.deadline) {
          events.push_back(rec.name + " not ready in time; killing it");
          ++failed;
          kill(rec.pid, SIGKILL);
          r.sigkilled = true;
          r.info.state = ReplicaState::Terminating;
          r.deadline = now + o_.term_grace;
        }
        break;
      case ReplicaState::Ready:
        if (!alive) {
          if (balancer_) (void)balancer_->disable(rec.slot);
          events.push_back(rec.name + " died (pid " + std::to_string(rec.pid) + "); replacing it");
          ++died;
          r.info.state = ReplicaState::Terminating;
        }
        break;
      case ReplicaState::Draining: {
        bool idle = !alive;
        if (alive && balancer_) {
          auto a = balancer_->active(rec.slot);
          idle = a.ok() && *a == 0;
        } else if (alive) {
          idle = true;
        }
        if (idle || now > r.deadline) {
          if (alive) kill(rec.pid, SIGTERM);
          r.info.state = ReplicaState::Terminating;
          r.deadline = now + o_.term_grace;
          events.push_back(rec.name + " drained; SIGTERM");
        }
        break;
      }
      case ReplicaState::Terminating:
        if (alive && now > r.deadline && !r.sigkilled) {
          kill(rec.pid, SIGKILL);
          r.sigkilled = true;
          ++killed;
          events.push_back(rec.name + " outlived its grace; SIGKILL");
        }
        break;
    }
  }
  // Terminating replicas that are gone leave the pool.
  for (auto it = work.begin(); it != work.end();) {
    if (it->info.state == ReplicaState::Terminating && !is_alive(it->info.record.pid)) {
      if (!it->sigkilled) ++drained;
      it = work.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  {
    std::lock_guard lock(mu_);
    replicas_ = std::move(work);
    counters_.died += died;
    counters_.drained += drained;
    counters_.killed += killed;
    if (became_ready > 0) failed_starts_ = 0;
    for (int i = 0; i < failed; ++i) note_failed_start(now, events);
    int live = 0;
    for (const auto& r : replicas_) live += is_live(r.info.state) ? 1 : 0;
    while (live < desired_ && now >= next_start_) {
      const std::size_t before = replicas_.size();
      start_one(events);
      if (replicas_.size() == before) break;
      ++live;
      changed = true;
    }
    // Scale-in: replicas not yet ready first, then the newest ready ones.
    while (live > desired_) {
      Replica* victim = nullptr;
      for (auto& r : replicas_) {
        if (r.info.state == ReplicaState::Starting &&
            (!victim || r.info.record.started >= victim->info.record.started)) {
          victim = &r;
        }
      }
      if (!victim) {
        for (auto& r : replicas_) {
          if (r.info.state == ReplicaState::Ready &&
              (!victim || r.info.record.started >= victim->info.record.started)) {
            victim = &r;
          }
        }
      }
      if (!victim) break;
      if (victim->info.state == ReplicaState::Starting) {
        kill(victim->info.record.pid, SIGTERM);
        victim->info.state = ReplicaState::Terminating;
        victim->deadline = now + o_.term_grace;
      } else {
        if (balancer_) (void)balancer_->disable(victim->info.record.slot);
        victim->info.state = ReplicaState::Draining;
        victim->deadline = now + o_.drain_timeout;
        events.push_back(victim->info.record.name + " draining");
      }
      --live;
      changed = true;
    }
  }
  notify(events, changed);
}

void ProcessPool::notify(const std::vector<std::string>& events, bool changed) {
  if (on_event_) {
    for (const auto& e : events) on_event_(e);
  }
  if (changed && on_change_) on_change_(replicas());
}

int ProcessPool::adopt(const std::vector<ReplicaRecord>& records, int next_seq) {
  std::lock_guard step_lock(step_mu_);
  std::vector<std::string> events;
  std::vector<Replica> adopted;
  std::set<int> used;
  for (const auto& rec : records) {
    const bool serve =
        is_alive(rec.pid) && command_line(rec.pid).find(" serve") != std::string::npos;
    if (!serve) {
      events.push_back(rec.name + " (pid " + std::to_string(rec.pid) + ") is gone");
      continue;
    }
    if (rec.port == 0 || http_status(rec.port, "/healthz") != 200 || rec.slot < 1 ||
        rec.slot > slot_count() || used.count(rec.slot)) {
      events.push_back(rec.name + " (pid " + std::to_string(rec.pid) +
                       ") runs but does not answer /healthz; killing it");
      kill(rec.pid, SIGKILL);
      continue;
    }
    Replica r;
    r.info.record = rec;
    r.info.adopted = true;
    r.info.state = ReplicaState::Starting;
    r.deadline = steady::now() + o_.start_timeout;
    if (http_status(rec.port, "/readyz") == 200 &&
        (!balancer_ || balancer_->enable(rec.slot, rec.port).ok())) {
      r.info.state = ReplicaState::Ready;
    }
    used.insert(rec.slot);
    events.push_back("adopted " + rec.name + " (pid " + std::to_string(rec.pid) + ", port " +
                     std::to_string(rec.port) + ")");
    adopted.push_back(std::move(r));
  }
  // A replica started just before the last scaler was killed runs without being in the state
  // file: it would hold a GPU and a port that nothing accounts for. It is found by its log.
  std::set<pid_t> kept;
  for (const auto& r : adopted) kept.insert(r.info.record.pid);
  for (pid_t pid : processes_logging_under(o_.run_dir / "replicas")) {
    if (kept.count(pid) || command_line(pid).find(" serve") == std::string::npos) continue;
    events.push_back("a replica (pid " + std::to_string(pid) +
                     ") runs without a record in the state file; killing it");
    kill(pid, SIGKILL);
  }
  if (balancer_) {
    for (int s = 1; s <= balancer_->slots(); ++s) {
      if (!used.count(s)) (void)balancer_->disable(s);
    }
  }
  const int n = static_cast<int>(adopted.size());
  {
    std::lock_guard lock(mu_);
    for (auto& r : adopted) replicas_.push_back(std::move(r));
    next_seq_ = std::max(next_seq_, next_seq);
    counters_.adopted += n;
  }
  notify(events, true);
  return n;
}

void ProcessPool::resync_balancer() {
  std::lock_guard step_lock(step_mu_);
  if (!balancer_) return;
  std::vector<std::string> events;
  for (const auto& r : replicas()) {
    if (r.state != ReplicaState::Ready) continue;
    if (auto s = balancer_->enable(r.record.slot, r.record.port); !s.ok()) {
      events.push_back(r.record.name + ": cannot enable: " + s.error().to_string());
    }
  }
  notify(events, false);
}

void ProcessPool::start() {
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      step();
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, o_.step_period, [this] { return stop_.load(); });
    }
  });
}

void ProcessPool::shutdown() {
  stop_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard step_lock(step_mu_);
  std::vector<Replica> all;
  {
    std::lock_guard lock(mu_);
    desired_ = 0;
    all = replicas_;
  }
  // All out of the balancer first, then SIGTERM to all at once: each drains in parallel.
  for (auto& r : all) {
    if (balancer_ && r.info.state == ReplicaState::Ready)
      (void)balancer_->disable(r.info.record.slot);
  }
  for (auto& r : all) {
    if (is_alive(r.info.record.pid)) kill(r.info.record.pid, SIGTERM);
  }
  const auto deadline = steady::now() + o_.term_grace;
  for (;;) {
    bool any = false;
    for (auto& r : all) any |= is_alive(r.info.record.pid);
    if (!any) break;
    if (steady::now() > deadline) {
      for (auto& r : all) {
        if (is_alive(r.info.record.pid)) kill(r.info.record.pid, SIGKILL);
      }
      const auto hard = steady::now() + std::chrono::seconds(2);
      while (steady::now() < hard) {
        bool left = false;
        for (auto& r : all) left |= is_alive(r.info.record.pid);
        if (!left) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard lock(mu_);
    replicas_.clear();
  }
  notify({}, true);
}

}  // namespace userscale::actuate
