// The ReplicaSet controller: keeps spec.replicas active pods per ReplicaSet and reports its status
// (k/k pkg/controller/replicaset/replica_set.go).
#pragma once

#include <string>
#include <vector>

#include "core/api/workload.h"
#include "core/controller/controller_utils.h"
#include "core/controller/replica_set_tally.h"
#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class ReplicaSetController {
 public:
  // k/k replica_set.go BurstReplicas: creates or deletes per sync.
  static constexpr int kBurstReplicas = 500;

  // `env` (its executor, store and recorder) must outlive the controller. Nothing happens until start().
  explicit ReplicaSetController(const Env& env);
  ~ReplicaSetController();
  ReplicaSetController(const ReplicaSetController&) = delete;
  ReplicaSetController& operator=(const ReplicaSetController&) = delete;

  // Watches ReplicaSets and Pods and queues every existing ReplicaSet. Call once.
  void start();

  // Syncs one ReplicaSet by key "namespace/name": creates or deletes pods unless an earlier sync's
  // writes are still unobserved (expectations), then writes status if it changed. A non-OK status
  // means: retry with backoff. Public so tests can drive it as replica_set_test.go does.
  Status reconcile(const std::string& key);

  const Expectations& TEST_expectations() const { return expectations_; }

 private:
  using RSPtr = std::shared_ptr<const ReplicaSet>;

  void on_replica_set(const WatchEvent& event);
  void on_pod(const WatchEvent& event);
  void pod_deleted(const Pod& pod);
  // The ReplicaSet a controller reference names, if it still exists with that uid.
  RSPtr resolve_controller_ref(const std::string& ns, const OwnerReference& ref) const;

  // Pods owned by `rs` (controller reference) whose labels its selector matches, in store order.
  std::vector<PodPtr> owned_pods(const ReplicaSet& rs) const;
  // Pods of every ReplicaSet controlled by the same owner as `rs` (getIndirectlyRelatedPods).
  std::vector<PodPtr> related_pods(const ReplicaSet& rs) const;
  // `active_count` active pods exist; `active` lists them when pods are to be deleted.
  Status manage_replicas(int active_count, const std::vector<PodPtr>& active, const ReplicaSet& rs,
                         const std::string& key);
  Status create_pods(int count, const ReplicaSet& rs, const std::string& key);
  Status delete_pods(std::vector<PodPtr> active, int count, const ReplicaSet& rs, const std::string& key);
  // Status over the active owned pods (status.replicas is their count), in one pass over the index.
  ReplicaSetStatus calculate_status(const ReplicaSet& rs) const;
  // Writes `status` unless unchanged; one retry on a conflict (statusUpdateRetries). Returns the stored RS.
  Result<RSPtr> update_status(RSPtr rs, ReplicaSetStatus status);
  ObjectRef ref_of(const ReplicaSet& rs) const;

  Env env_;
  WorkQueue queue_;
  Expectations expectations_;
  std::vector<WatchId> watches_;
  mutable ReplicaSetTally tally_{env_.store};  // status counts kept up to date from the store's writes
};

}  // namespace ktwin::core
