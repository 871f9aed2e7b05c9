#include "controller/leader_election.h"

#include <nlohmann/json.hpp>

#include "controller/clock.h"
#include "core/timefmt.h"

namespace userscale::controller {
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string micro_time() {
  // MicroTime: RFC 3339 with microseconds.
  const auto now = std::chrono::system_clock::now();
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::string base = format_rfc3339(static_cast<double>(us / 1'000'000));
  if (!base.empty() && base.back() == 'Z') base.pop_back();
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(us % 1'000'000));
  return base + frac;
}

}  // namespace

LeaderElector::LeaderElector(actuate::kube::KubeClient& client, LeaderElectionOptions o)
    : client_(client), o_(std::move(o)) {}

LeaderElector::~LeaderElector() {
  stop();
}

std::string LeaderElector::lease_path() const {
  return "/apis/coordination.k8s.io/v1/namespaces/" + o_.namespace_name + "/leases/" + o_.name;
}

void LeaderElector::start() {
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (leader_.exchange(false)) {  // release, as client-go's ReleaseOnCancel
    auto r = client_.call("GET", lease_path());
    if (r.ok() && r->status == 200) {
      json lease = json::parse(r->body, nullptr, false);
      if (lease.is_object() && lease["spec"].value("holderIdentity", "") == o_.identity) {
        lease["spec"]["holderIdentity"] = "";
        lease["spec"]["leaseDurationSeconds"] = 1;
        client_.call("PUT", lease_path(), lease.dump(), "application/json");
      }
    }
  }
}

bool LeaderElector::try_acquire_or_renew() {
  const auto now = SteadyClock::now();
  const int duration_s = std::max<int>(
      1, static_cast<int>(
             std::chrono::duration_cast<std::chrono::seconds>(o_.lease_duration).count()));
  json spec = {{"holderIdentity", o_.identity},
               {"leaseDurationSeconds", duration_s},
               {"acquireTime", micro_time()},
               {"renewTime", micro_time()},
               {"leaseTransitions", 0}};
  auto got = client_.call("GET", lease_path());
  if (!got.ok()) return false;
  if (got->status == 404) {
    json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", o_.name}, {"namespace", o_.namespace_name}}},
                  {"spec", spec}};
    auto created = client_.call(
        "POST", "/apis/coordination.k8s.io/v1/namespaces/" + o_.namespace_name + "/leases",
        lease.dump(), "application/json");
    if (created.ok() && created->status == 201) {
      observed_record_ = o_.identity;
      observed_at_ = now;
      return true;
    }
    return false;
  }
  if (got->status != 200) return false;
  json lease = json::parse(got->body, nullptr, false);
  if (!lease.is_object()) return false;
  const json old = lease.value("spec", json::object());
  const std::string holder = old.value("holderIdentity", "");
  const std::string record = holder + "|" + old.value("renewTime", "");
  if (record != observed_record_) {
    observed_record_ = record;
    observed_at_ = now;
  }
  const auto held_for = std::chrono::seconds(old.value("leaseDurationSeconds", duration_s));
  if (!holder.empty() && holder != o_.identity && observed_at_ + held_for > now) {
    return false;  // someone else holds a live lease
  }
  if (holder == o_.identity) {
    spec["acquireTime"] = old.value("acquireTime", spec["acquireTime"].get<std::string>());
    spec["leaseTransitions"] = old.value("leaseTransitions", 0);
  } else {
    spec["leaseTransitions"] = old.value("leaseTransitions", 0) + 1;
  }
  lease["spec"] = spec;
  auto put = client_.call("PUT", lease_path(), lease.dump(), "application/json");
  if (!put.ok() || put->status != 200) return false;  // 409: another replica got there first
  observed_record_ = o_.identity + "|" + spec["renewTime"].get<std::string>();
  observed_at_ = now;
  return true;
}

void LeaderElector::run() {
  auto last_renew = SteadyClock::now();
  while (!stop_) {
    const bool ok = try_acquire_or_renew();
    const auto now = SteadyClock::now();
    if (ok) {
      last_renew = now;
      if (!leader_.exchange(true) && o_.log)
        o_.log("became the leader (lease " + o_.namespace_name + "/" + o_.name + ", identity " +
               o_.identity + ")");
    } else if (leader_.load() && now - last_renew > o_.renew_deadline) {
      leader_ = false;
      if (o_.log)
        o_.log("lost the lease " + o_.namespace_name + "/" + o_.name +
               ": not renewed within the renew deadline; not acting");
    }
    const auto until = SteadyClock::now() + o_.retry_period;
    while (!stop_ && SteadyClock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace userscale::controller
