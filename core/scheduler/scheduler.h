// kube-scheduler: watches pods and nodes, queues pending pods and binds them one at a time through
// the store (k/k pkg/scheduler/scheduler.go scheduleOne, eventhandlers.go).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/env/env.h"
#include "core/scheduler/profile.h"
#include "core/scheduler/schedule_one.h"
#include "core/scheduler/scheduling_queue.h"
#include "core/scheduler/snapshot_cache.h"
#include "core/store/store.h"

namespace ktwin::core {

struct SchedulerOptions {
  std::string kubernetesVersion = "1.20";  // picks the default profile, messages and queue timeout
  std::string schedulerName = "default-scheduler";
  int32_t percentageOfNodesToScore = 0;
};

class Scheduler {
 public:
  // Observes every attempt: the pod as scheduled and the decision (for traces and explanations).
  using AttemptObserver = std::function<void(const Pod& pod, const ScheduleResult& result)>;

  Scheduler(const Env& env, SchedulerOptions options);
  // As above with a custom profile (its schedulerName decides which pods are ours).
  Scheduler(const Env& env, SchedulerOptions options, Profile profile);
  // One scheduler, several profiles (KubeSchedulerConfiguration profiles[]): a pod is scheduled by
  // the profile named by its spec.schedulerName; pods naming no profile stay Pending.
  // REQUIRES: at least one profile, schedulerNames distinct.
  Scheduler(const Env& env, SchedulerOptions options, std::vector<Profile> profiles);
  ~Scheduler();

  // Watches pods and nodes and queues the pods already pending. Attempts run as executor tasks.
  void start();

  // Setting an observer also turns on the per-node explanation in each ScheduleResult.
  void set_attempt_observer(AttemptObserver observer) {
    observer_ = std::move(observer);
    record_explanations(observer_ != nullptr);
  }
  // Per-node scores, totals and filter failures in ScheduleResult (and last_result); off by default,
  // as they cost a map entry per node per attempt. The decision and message do not depend on it.
  void record_explanations(bool on) {
    for (Profile& p : profiles_) p.record_explanation = on;
  }
  // The most recent attempt for "namespace/name", or null.
  const ScheduleResult* last_result(const std::string& pod_key) const;
  const SchedulingQueue& queue() const { return queue_; }
  const Profile& profile() const { return profiles_.front(); }
  const std::vector<Profile>& profiles() const { return profiles_; }

 private:
  bool responsible_for(const Pod& pod) const { return find_profile(pod) != nullptr; }
  const Profile* find_profile(const Pod& pod) const;
  void on_pod_event(const WatchEvent& event);
  void on_node_event(const WatchEvent& event);
  void post_attempt();
  void attempt();
  const std::vector<NodeInfo>& snapshot();
  // Binds `pod` (as just read from the store) to `node`; on success *bound is the pod as written.
  Status bind(std::shared_ptr<const Pod> pod, const std::string& node, std::shared_ptr<const Pod>* bound);
  void record_failure(const Pod& pod, const std::string& message);

  Env env_;
  SchedulerOptions options_;
  std::vector<Profile> profiles_;
  Rng rng_;
  SchedulingQueue queue_;
  std::map<std::string, std::shared_ptr<const Pod>> assumed_;  // bound by us, not yet seen bound
  // By pod key; hashed: a tree of every pod ever attempted cost a string compare per level per attempt.
  std::unordered_map<std::string, ScheduleResult> last_results_;
  SnapshotCache cache_{env_.store};
  ScheduleScratch scratch_;  // schedule_one's per-node vectors, reused across attempts
  AttemptObserver observer_;
  size_t next_start_index_ = 0;
  bool attempt_posted_ = false;
  WatchId pod_watch_ = 0, node_watch_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
