// Deployment controller: the RollingUpdate and Recreate strategies (k/k pkg/controller/deployment/
// rolling.go, recreate.go).
#include <algorithm>

#include "core/controller/deployment_controller.h"

namespace ktwin::core {
namespace {

RSList with(RSList rss, const RSPtr& rs) {
  rss.push_back(rs);
  return rss;
}

}  // namespace

Status DeploymentController::rollout_rolling(Deployment& d, RSList& rss) {
  auto all_result = get_all_replica_sets(d, rss, true);
  if (!all_result.is_ok()) return all_result.status();
  auto [new_rs, old_rss] = all_result.value();
  RSList all = with(old_rss, new_rs);

  // Scale up first; the next sync (woken by the ReplicaSet's events) scales down.
  Result<bool> scaled_up = reconcile_new_replica_set(all, new_rs, d);
  if (!scaled_up.is_ok()) return scaled_up.status();
  if (scaled_up.value()) return sync_rollout_status(all, new_rs, d);

  Result<bool> scaled_down = reconcile_old_replica_sets(all, filter_active_replica_sets(old_rss), new_rs, d);
  if (!scaled_down.is_ok()) return scaled_down.status();
  if (scaled_down.value()) return sync_rollout_status(all, new_rs, d);

  if (deployment_complete(d, d.status))
    if (Status s = cleanup_deployment(old_rss, d); !s.is_ok()) return s;
  return sync_rollout_status(all, new_rs, d);
}

Result<bool> DeploymentController::reconcile_new_replica_set(const RSList& all, const RSPtr& new_rs,
                                                             const Deployment& d) {
  bool scaled = false;
  if (new_rs->desired_replicas() == d.desired_replicas()) return false;
  int32_t target = new_rs->desired_replicas() > d.desired_replicas() ? d.desired_replicas()
                                                                     : new_rs_new_replicas(d, all, *new_rs);
  auto result = scale_replica_set(new_rs, target, d, &scaled);
  if (!result.is_ok()) return result.status();
  return scaled;
}

Result<bool> DeploymentController::reconcile_old_replica_sets(const RSList& all, RSList old_rss, const RSPtr& new_rs,
                                                              const Deployment& d) {
  if (replica_count(old_rss) == 0) return false;  // nothing left to scale down
  int32_t min_available = d.desired_replicas() - max_unavailable(d);
  int32_t new_unavailable = new_rs->desired_replicas() - new_rs->status.availableReplicas;
  // Pods of the new ReplicaSet that are not available yet already use up unavailability.
  int32_t max_scaled_down = replica_count(all) - min_available - new_unavailable;
  if (max_scaled_down <= 0) return false;

  // Unhealthy old replicas go first: removing them costs no availability.
  Result<int32_t> cleaned = cleanup_unhealthy_replicas(old_rss, d, max_scaled_down);
  if (!cleaned.is_ok()) return cleaned.status();
  Result<int32_t> scaled = scale_down_old_for_rolling_update(with(old_rss, new_rs), old_rss, d);
  if (!scaled.is_ok()) return scaled.status();
  return cleaned.value() + scaled.value() > 0;
}

Result<int32_t> DeploymentController::cleanup_unhealthy_replicas(RSList& old_rss, const Deployment& d,
                                                                 int32_t max_cleanup) {
  sort_by_creation(old_rss);
  int32_t total = 0;
  for (RSPtr& rs : old_rss) {
    if (total >= max_cleanup) break;
    if (rs->desired_replicas() == 0) continue;
    if (rs->desired_replicas() == rs->status.availableReplicas) continue;  // all healthy
    int32_t count = std::min(max_cleanup - total, rs->desired_replicas() - rs->status.availableReplicas);
    int32_t target = rs->desired_replicas() - count;
    if (target > rs->desired_replicas())
      return Status::invalid("when cleaning up unhealthy replicas, got invalid request to scale down " +
                             rs->metadata.name + " " + std::to_string(rs->desired_replicas()) + " -> " +
                             std::to_string(target));
    bool scaled = false;
    auto updated = scale_replica_set(rs, target, d, &scaled);
    if (!updated.is_ok()) return updated.status();
    total += count;
    rs = updated.value();
  }
  return total;
}

Result<int32_t> DeploymentController::scale_down_old_for_rolling_update(const RSList& all, RSList old_rss,
                                                                        const Deployment& d) {
  int32_t min_available = d.desired_replicas() - max_unavailable(d);
  int32_t available = available_replica_count(all);
  if (available <= min_available) return 0;
  sort_by_creation(old_rss);  // oldest first
  int32_t total = 0, budget = available - min_available;
  for (const RSPtr& rs : old_rss) {
    if (total >= budget) break;
    if (rs->desired_replicas() == 0) continue;
    int32_t count = std::min(rs->desired_replicas(), budget - total);
    bool scaled = false;
    auto updated = scale_replica_set(rs, rs->desired_replicas() - count, d, &scaled);
    if (!updated.is_ok()) return updated.status();
    total += count;
  }
  return total;
}

Status DeploymentController::rollout_recreate(Deployment& d, RSList& rss, const PodMap& pods) {
  // Do not create the new ReplicaSet yet: nothing may scale up before the old pods are gone.
  auto all_result = get_all_replica_sets(d, rss, false);
  if (!all_result.is_ok()) return all_result.status();
  auto [new_rs, old_rss] = all_result.value();
  RSList all = with(old_rss, new_rs);

  bool scaled_down = false;
  for (const RSPtr& rs : filter_active_replica_sets(old_rss)) {
    bool scaled = false;
    auto result = scale_replica_set(rs, 0, d, &scaled);
    if (!result.is_ok()) return result.status();
    scaled_down = scaled_down || scaled;
  }
  if (scaled_down) return sync_rollout_status(all, new_rs, d);

  // oldPodsRunning: any old pod not Succeeded or Failed counts, terminating ones included.
  bool old_running = actual_replica_count(old_rss) > 0;
  for (const auto& [uid, list] : pods) {
    if (old_running) break;
    if (new_rs && new_rs->metadata.uid == uid) continue;
    for (const PodPtr& pod : list)
      if (!pod->is_terminal()) old_running = true;
  }
  if (old_running) return sync_rollout_status(all, new_rs, d);

  if (!new_rs) {
    all_result = get_all_replica_sets(d, rss, true);
    if (!all_result.is_ok()) return all_result.status();
    std::tie(new_rs, old_rss) = all_result.value();
    all = with(old_rss, new_rs);
  }
  bool scaled = false;
  if (Status s = scale_replica_set(new_rs, d.desired_replicas(), d, &scaled).status(); !s.is_ok()) return s;
  if (deployment_complete(d, d.status))
    if (Status s = cleanup_deployment(old_rss, d); !s.is_ok()) return s;
  return sync_rollout_status(all, new_rs, d);
}

}  // namespace ktwin::core
