// The Deployment controller: owns one ReplicaSet per pod template and moves replicas between them by
// RollingUpdate or Recreate, scales proportionally, prunes history and reports status and conditions
// (k/k pkg/controller/deployment/{deployment_controller,sync,rolling,recreate,progress}.go).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/api/workload.h"
#include "core/controller/controller_utils.h"
#include "core/controller/deployment_util.h"
#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class DeploymentController {
 public:
  // `env` (its executor, store and recorder) must outlive the controller. Nothing happens until start().
  // Deployments are expected to be defaulted (set_deployment_defaults) by the API on write.
  explicit DeploymentController(const Env& env);
  ~DeploymentController();
  DeploymentController(const DeploymentController&) = delete;
  DeploymentController& operator=(const DeploymentController&) = delete;

  // Watches Deployments, ReplicaSets and Pods and queues every existing Deployment. Call once.
  void start();

  // Syncs one Deployment by key "namespace/name". A non-OK status means: retry with backoff.
  Status reconcile(const std::string& key);

 private:
  using PodMap = std::map<std::string, std::vector<PodPtr>>;  // ReplicaSet uid -> its pods

  // Informer handlers (deployment_controller.cc).
  void on_deployment(const WatchEvent& event);
  void on_replica_set(const WatchEvent& event);
  void on_pod(const WatchEvent& event);
  std::shared_ptr<const Deployment> resolve_controller_ref(const std::string& ns, const OwnerReference& ref) const;
  RSList replica_sets_for(const Deployment& d) const;
  PodMap pods_for(const Deployment& d, const RSList& rss) const;

  // Writes (deployment_controller.cc). update_deployment writes `d` whole and refreshes its
  // resourceVersion, so later writes of the same sync do not conflict with our own.
  Status update_deployment(Deployment& d);
  // getNewReplicaSet: finds the new ReplicaSet and syncs its annotations, or creates it when `create`.
  // Entries of `rss` that get updated are replaced by the stored versions.
  Result<RSPtr> get_new_replica_set(Deployment& d, RSList& rss, const RSList& old_rss, bool create);
  // getAllReplicaSetsAndSyncRevision: (new or null, old).
  Result<std::pair<RSPtr, RSList>> get_all_replica_sets(Deployment& d, RSList& rss, bool create);
  // scaleReplicaSetAndRecordEvent / scaleReplicaSet. *scaled is true if spec.replicas changed.
  Result<RSPtr> scale_replica_set(const RSPtr& rs, int32_t new_scale, const Deployment& d, bool* scaled);
  Result<RSPtr> scale_replica_set(const RSPtr& rs, int32_t new_scale, const Deployment& d,
                                  const std::string& operation, bool* scaled);

  // sync.go (deployment_sync.cc).
  Status sync(Deployment& d, RSList& rss);
  Status sync_status_only(Deployment& d, RSList& rss);
  Result<bool> is_scaling_event(Deployment& d, RSList& rss);
  Status scale(const Deployment& d, const RSPtr& new_rs, const RSList& old_rss);
  Status cleanup_deployment(const RSList& old_rss, const Deployment& d);
  Status check_paused_conditions(Deployment& d);
  DeploymentStatus calculate_status(const RSList& all, const RSPtr& new_rs, const Deployment& d) const;
  Status sync_deployment_status(const RSList& all, const RSPtr& new_rs, Deployment& d);
  // progress.go: status plus the Progressing condition and the progress-deadline requeue.
  Status sync_rollout_status(const RSList& all, const RSPtr& new_rs, Deployment& d);
  void requeue_stuck_deployment(const Deployment& d, const DeploymentStatus& new_status);

  // rolling.go and recreate.go (deployment_rollout.cc).
  Status rollout_rolling(Deployment& d, RSList& rss);
  Result<bool> reconcile_new_replica_set(const RSList& all, const RSPtr& new_rs, const Deployment& d);
  Result<bool> reconcile_old_replica_sets(const RSList& all, RSList old_rss, const RSPtr& new_rs, const Deployment& d);
  Result<int32_t> cleanup_unhealthy_replicas(RSList& old_rss, const Deployment& d, int32_t max_cleanup);
  Result<int32_t> scale_down_old_for_rolling_update(const RSList& all, RSList old_rss, const Deployment& d);
  Status rollout_recreate(Deployment& d, RSList& rss, const PodMap& pods);

  ObjectRef ref_of(const Deployment& d) const;

  Env env_;
  WorkQueue queue_;
  std::vector<WatchId> watches_;
};

}  // namespace ktwin::core
