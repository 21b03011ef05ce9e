// Deployment status conditions and the rollout predicates built on them (k/k
// pkg/controller/deployment/util/deployment_util.go: SetDeploymentCondition, DeploymentComplete, ...).
#include <algorithm>

#include "core/controller/deployment_util.h"

namespace ktwin::core {
namespace {

bool condition_equal(const DeploymentCondition& a, const DeploymentCondition& b) {
  return a.type == b.type && a.status == b.status && a.reason == b.reason && a.message == b.message &&
         a.lastUpdateTime == b.lastUpdateTime && a.lastTransitionTime == b.lastTransitionTime;
}

}  // namespace

const DeploymentCondition* get_condition(const DeploymentStatus& s, const std::string& type) {
  for (const DeploymentCondition& c : s.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

DeploymentCondition new_condition(const std::string& type, const std::string& status, const std::string& reason,
                                  const std::string& message, Time now) {
  return DeploymentCondition{type, status, reason, message, now, now};
}

void set_condition(DeploymentStatus& s, DeploymentCondition c) {
  const DeploymentCondition* current = get_condition(s, c.type);
  if (current && current->status == c.status && current->reason == c.reason) return;
  if (current && current->status == c.status) c.lastTransitionTime = current->lastTransitionTime;
  remove_condition(s, c.type);
  s.conditions.push_back(std::move(c));
}

void remove_condition(DeploymentStatus& s, const std::string& type) {
  std::erase_if(s.conditions, [&](const DeploymentCondition& c) { return c.type == type; });
}

bool status_equal(const DeploymentStatus& a, const DeploymentStatus& b) {
  if (a.observedGeneration != b.observedGeneration || a.replicas != b.replicas ||
      a.updatedReplicas != b.updatedReplicas || a.readyReplicas != b.readyReplicas ||
      a.availableReplicas != b.availableReplicas || a.unavailableReplicas != b.unavailableReplicas ||
      a.collisionCount != b.collisionCount || a.conditions.size() != b.conditions.size())
    return false;
  for (size_t i = 0; i < a.conditions.size(); ++i)
    if (!condition_equal(a.conditions[i], b.conditions[i])) return false;
  return true;
}

bool deployment_complete(const Deployment& d, const DeploymentStatus& s) {
  int32_t want = d.desired_replicas();
  return s.updatedReplicas == want && s.replicas == want && s.availableReplicas == want &&
         s.observedGeneration >= d.metadata.generation;
}

bool deployment_progressing(const Deployment& d, const DeploymentStatus& s) {
  const DeploymentStatus& old = d.status;
  int32_t old_old_replicas = old.replicas - old.updatedReplicas;
  int32_t new_old_replicas = s.replicas - s.updatedReplicas;
  return s.updatedReplicas > old.updatedReplicas || new_old_replicas < old_old_replicas ||
         s.readyReplicas > old.readyReplicas || s.availableReplicas > old.availableReplicas;
}

bool deployment_timed_out(const Deployment& d, const DeploymentStatus& s, Time now) {
  if (!has_progress_deadline(d)) return false;
  const DeploymentCondition* c = get_condition(s, "Progressing");
  if (!c) return false;
  if (c->reason == kNewRSAvailableReason) return false;
  if (c->reason == kTimedOutReason) return true;
  Time from = c->lastUpdateTime.value_or(Time{});
  return from + std::chrono::seconds(*d.spec.progressDeadlineSeconds) < now;
}

}  // namespace ktwin::core
