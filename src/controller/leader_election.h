// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// acquire the lease when it is free or its holder has not renewed it for a lease duration (as
// seen on this process's own clock since the record last changed, so clock skew between
// replicas does not matter), renew it every retry period, and stop leading when a renew has
// not succeeded for the renew deadline. Defaults are client-go's: 15 s, 10 s, 2 s.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "actuate/kube/kube_client.h"

namespace userscale::controller {

struct LeaderElectionOptions {
  std::string namespace_name = "default";
  std::string name = "userscale-scaler";
  std::string identity;  // unique per replica (pod name)
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  std::function<void(const std::string&)> log;
};

class LeaderElector {
 public:
  LeaderElector(actuate::kube::KubeClient& client, LeaderElectionOptions o);
  ~LeaderElector();
  void start();
  // Stops trying; a leader gives the lease up (holder cleared) so another takes over at once.
  void stop();
  bool is_leader() const { return leader_.load(); }

  // One try (exposed for tests): true when this process holds the lease afterwards.
  bool try_acquire_or_renew();

 private:
  void run();
  std::string lease_path() const;

  actuate::kube::KubeClient& client_;
  LeaderElectionOptions o_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string observed_record_;  // holder and renewTime last seen
  std::chrono::steady_clock::time_point observed_at_{};
};

}  // namespace userscale::controller
