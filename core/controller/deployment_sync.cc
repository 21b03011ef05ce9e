// Deployment controller: scaling events and proportional scaling, history cleanup, status and
// progress conditions (k/k pkg/controller/deployment/sync.go, progress.go).
#include <algorithm>
#include <map>

#include "core/controller/deployment_controller.h"

namespace ktwin::core {
namespace {

std::string go_quote(const std::string& s) { return "\"" + s + "\""; }

RSList with(RSList rss, const RSPtr& rs) {
  rss.push_back(rs);
  return rss;
}

}  // namespace

Status DeploymentController::sync(Deployment& d, RSList& rss) {
  auto all = get_all_replica_sets(d, rss, false);
  if (!all.is_ok()) return all.status();
  auto [new_rs, old_rss] = all.value();
  if (Status s = scale(d, new_rs, old_rss); !s.is_ok()) return s;
  if (d.spec.paused)
    if (Status s = cleanup_deployment(old_rss, d); !s.is_ok()) return s;
  // Status from the listed ReplicaSets, as upstream: the scaled ones are seen on the next sync.
  return sync_deployment_status(with(old_rss, new_rs), new_rs, d);
}

Status DeploymentController::sync_status_only(Deployment& d, RSList& rss) {
  auto all = get_all_replica_sets(d, rss, false);
  if (!all.is_ok()) return all.status();
  auto [new_rs, old_rss] = all.value();
  return sync_deployment_status(with(old_rss, new_rs), new_rs, d);
}

Result<bool> DeploymentController::is_scaling_event(Deployment& d, RSList& rss) {
  auto all = get_all_replica_sets(d, rss, false);
  if (!all.is_ok()) return all.status();
  auto [new_rs, old_rss] = all.value();
  // A scaling event: an active ReplicaSet was last sized for another spec.replicas.
  for (const RSPtr& rs : filter_active_replica_sets(with(old_rss, new_rs))) {
    auto desired = desired_replicas_annotation(*rs);
    if (desired && *desired != d.desired_replicas()) return true;
  }
  return false;
}

Status DeploymentController::scale(const Deployment& d, const RSPtr& new_rs, const RSList& old_rss) {
  bool scaled = false;
  // One active ReplicaSet (or none: the newest) takes the whole count.
  if (RSPtr only = find_active_or_latest(new_rs, old_rss)) {
    if (only->desired_replicas() == d.desired_replicas()) return Status::ok();
    return scale_replica_set(only, d.desired_replicas(), d, &scaled).status();
  }
  // A saturated new ReplicaSet: the old ones go to zero.
  if (is_saturated(d, new_rs)) {
    for (const RSPtr& old : filter_active_replica_sets(old_rss))
      if (Status s = scale_replica_set(old, 0, d, &scaled).status(); !s.is_ok()) return s;
    return Status::ok();
  }
  if (d.spec.strategy.type != "RollingUpdate") return Status::ok();

  // Mid-rollout: spread the difference over the active ReplicaSets in proportion to their size.
  RSList active = filter_active_replica_sets(with(old_rss, new_rs));
  int32_t allowed = d.desired_replicas() > 0 ? d.desired_replicas() + max_surge(d) : 0;
  int32_t to_add = allowed - replica_count(active);
  std::string operation;
  if (to_add > 0) {
    sort_by_size_newer(active);
    operation = "up";
  } else if (to_add < 0) {
    sort_by_size_older(active);
    operation = "down";
  }
  int32_t added = 0;
  std::map<std::string, int32_t> size;
  for (const RSPtr& rs : active) {
    if (to_add != 0) {
      int32_t share = get_proportion(rs, d, to_add, added);
      size[rs->metadata.name] = rs->desired_replicas() + share;
      added += share;
    } else {
      size[rs->metadata.name] = rs->desired_replicas();
    }
  }
  for (size_t i = 0; i < active.size(); ++i) {
    const RSPtr& rs = active[i];
    // Rounding leftovers go to the largest ReplicaSet.
    if (i == 0 && to_add != 0) size[rs->metadata.name] = std::max(0, size[rs->metadata.name] + to_add - added);
    if (Status s = scale_replica_set(rs, size[rs->metadata.name], d, operation, &scaled).status(); !s.is_ok())
      return s;
  }
  return Status::ok();
}

Status DeploymentController::cleanup_deployment(const RSList& old_rss, const Deployment& d) {
  if (!has_revision_history_limit(d)) return Status::ok();
  RSList cleanable;
  for (const RSPtr& rs : old_rss)
    if (rs && !rs->metadata.deletionTimestamp) cleanable.push_back(rs);
  int32_t diff = static_cast<int32_t>(cleanable.size()) - *d.spec.revisionHistoryLimit;
  if (diff <= 0) return Status::ok();
  // Lowest revision first, as current Kubernetes; 1.20 sorted by creation time, which is the same
  // order unless a rollback happened (reference section 3.5).
  sort_by_revision(cleanable);
  for (int32_t i = 0; i < diff; ++i) {
    const RSPtr& rs = cleanable[i];
    // Only ReplicaSets with nothing left to run, and whose controller has seen their last spec.
    if (rs->status.replicas != 0 || rs->desired_replicas() != 0 ||
        rs->metadata.generation > rs->status.observedGeneration || rs->metadata.deletionTimestamp)
      continue;
    Status s = env_.store.remove(Kind::kReplicaSet, rs->metadata.namespace_, rs->metadata.name);
    if (!s.is_ok() && !s.is_not_found()) return s;
  }
  return Status::ok();
}

Status DeploymentController::check_paused_conditions(Deployment& d) {
  if (!has_progress_deadline(d)) return Status::ok();
  const DeploymentCondition* cond = get_condition(d.status, "Progressing");
  if (cond && cond->reason == kTimedOutReason) return Status::ok();  // keep the reported lack of progress
  bool paused_cond = cond && cond->reason == kPausedDeployReason;
  Time now = env_.executor.now();
  if (d.spec.paused && !paused_cond) {
    set_condition(d.status, new_condition("Progressing", "Unknown", kPausedDeployReason, "Deployment is paused", now));
  } else if (!d.spec.paused && paused_cond) {
    set_condition(d.status, new_condition("Progressing", "Unknown", kResumedDeployReason, "Deployment is resumed", now));
  } else {
    return Status::ok();
  }
  return update_deployment(d);
}

DeploymentStatus DeploymentController::calculate_status(const RSList& all, const RSPtr& new_rs,
                                                        const Deployment& d) const {
  int32_t available = available_replica_count(all);
  DeploymentStatus s;
  s.observedGeneration = d.metadata.generation;
  s.replicas = actual_replica_count(all);
  s.updatedReplicas = actual_replica_count({new_rs});
  s.readyReplicas = ready_replica_count(all);
  s.availableReplicas = available;
  // Unavailable counts against spec sizes, so pods not created yet count too.
  s.unavailableReplicas = std::max(0, replica_count(all) - available);
  s.collisionCount = d.status.collisionCount;
  s.conditions = d.status.conditions;
  Time now = env_.executor.now();
  if (available >= d.desired_replicas() - max_unavailable(d))
    set_condition(s, new_condition("Available", "True", kMinimumReplicasAvailable, "Deployment has minimum availability.", now));
  else
    set_condition(s, new_condition("Available", "False", kMinimumReplicasUnavailable,
                                   "Deployment does not have minimum availability.", now));
  return s;
}

Status DeploymentController::sync_deployment_status(const RSList& all, const RSPtr& new_rs, Deployment& d) {
  DeploymentStatus s = calculate_status(all, new_rs, d);
  if (status_equal(d.status, s)) return Status::ok();
  d.status = s;
  return update_deployment(d);
}

Status DeploymentController::sync_rollout_status(const RSList& all, const RSPtr& new_rs, Deployment& d) {
  DeploymentStatus s = calculate_status(all, new_rs, d);
  if (!has_progress_deadline(d)) remove_condition(s, "Progressing");
  const DeploymentCondition* current = get_condition(d.status, "Progressing");
  bool complete_before = s.replicas == s.updatedReplicas && current && current->reason == kNewRSAvailableReason;
  Time now = env_.executor.now();
  if (has_progress_deadline(d) && !complete_before) {
    std::string subject = new_rs ? "ReplicaSet " + go_quote(new_rs->metadata.name) : "Deployment " + go_quote(d.metadata.name);
    if (deployment_complete(d, s)) {
      set_condition(s, new_condition("Progressing", "True", kNewRSAvailableReason, subject + " has successfully progressed.", now));
    } else if (deployment_progressing(d, s)) {
      // Progress refreshes lastUpdateTime even when the reason stays, which set_condition would skip.
      DeploymentCondition c = new_condition("Progressing", "True", kReplicaSetUpdatedReason, subject + " is progressing.", now);
      if (current) {
        if (current->status == "True") c.lastTransitionTime = current->lastTransitionTime;
        remove_condition(s, "Progressing");
      }
      set_condition(s, c);
    } else if (deployment_timed_out(d, s, now)) {
      set_condition(s, new_condition("Progressing", "False", kTimedOutReason, subject + " has timed out progressing.", now));
    }
  }
  if (status_equal(d.status, s)) {
    requeue_stuck_deployment(d, s);
    return Status::ok();
  }
  d.status = s;
  return update_deployment(d);
}

void DeploymentController::requeue_stuck_deployment(const Deployment& d, const DeploymentStatus& new_status) {
  const DeploymentCondition* current = get_condition(d.status, "Progressing");
  if (!has_progress_deadline(d) || !current) return;
  if (deployment_complete(d, new_status) || current->reason == kTimedOutReason) return;
  // Without this, nothing would wake the Deployment to notice the deadline (k/k issue 34458).
  Time deadline = current->lastUpdateTime.value_or(Time{}) + std::chrono::seconds(*d.spec.progressDeadlineSeconds);
  Duration after = std::max(Duration(0), deadline - env_.executor.now());
  queue_.add_after(object_key(d), after + std::chrono::seconds(1));
}

}  // namespace ktwin::core
