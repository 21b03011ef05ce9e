// policy/v1 PodDisruptionBudget (k/k staging/src/k8s.io/api/policy/v1/types.go).
#pragma once

#include <map>

#include "core/api/meta.h"

namespace ktwin::core {

struct PodDisruptionBudgetSpec {
  // At most one of the two; an int or a percentage ("50%") of the expected pods.
  std::optional<IntOrString> minAvailable, maxUnavailable;
  std::optional<LabelSelector> selector;
};

struct PodDisruptionBudgetStatus {
  int64_t observedGeneration = 0;
  // Pods the eviction subresource let go whose deletion the controller has not seen yet, with the
  // time of the eviction; the controller drops an entry after 2 min (DeletionTimeout).
  std::map<std::string, Time> disruptedPods;
  int32_t disruptionsAllowed = 0, currentHealthy = 0, desiredHealthy = 0, expectedPods = 0;
};

struct PodDisruptionBudget : KindOf<PodDisruptionBudget, Kind::kPodDisruptionBudget> {
  PodDisruptionBudgetSpec spec;
  PodDisruptionBudgetStatus status;
};

}  // namespace ktwin::core
