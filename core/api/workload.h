// apps/v1 ReplicaSet and Deployment.
#pragma once

#include "core/api/pod.h"

namespace ktwin::core {

struct ReplicaSetSpec {
  std::optional<int32_t> replicas;  // nil means 1
  int32_t minReadySeconds = 0;
  LabelSelector selector;
  PodTemplateSpec template_;
};

struct ReplicaSetStatus {
  int32_t replicas = 0, fullyLabeledReplicas = 0, readyReplicas = 0, availableReplicas = 0;
  int64_t observedGeneration = 0;
};

struct ReplicaSet : KindOf<ReplicaSet, Kind::kReplicaSet> {
  ReplicaSetSpec spec;
  ReplicaSetStatus status;
  int32_t desired_replicas() const { return spec.replicas.value_or(1); }
};

struct RollingUpdateDeployment {
  std::optional<IntOrString> maxUnavailable, maxSurge;
};

struct DeploymentStrategy {
  std::string type;  // RollingUpdate (default) or Recreate
  std::optional<RollingUpdateDeployment> rollingUpdate;
};

struct DeploymentSpec {
  std::optional<int32_t> replicas;
  LabelSelector selector;
  PodTemplateSpec template_;
  DeploymentStrategy strategy;
  int32_t minReadySeconds = 0;
  std::optional<int32_t> revisionHistoryLimit, progressDeadlineSeconds;
  bool paused = false;
};

struct DeploymentCondition {
  std::string type, status, reason, message;
  std::optional<Time> lastUpdateTime, lastTransitionTime;
};

struct DeploymentStatus {
  int64_t observedGeneration = 0;
  int32_t replicas = 0, updatedReplicas = 0, readyReplicas = 0, availableReplicas = 0, unavailableReplicas = 0;
  std::vector<DeploymentCondition> conditions;
  std::optional<int32_t> collisionCount;
};

struct Deployment : KindOf<Deployment, Kind::kDeployment> {
  DeploymentSpec spec;
  DeploymentStatus status;
  int32_t desired_replicas() const { return spec.replicas.value_or(1); }
};

}  // namespace ktwin::core
