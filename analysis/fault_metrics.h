// Metrics of the faults a run injected, from its JSONL trace: evictions that a transient fault made
// needless, and the time evicted pods ran twice (old copy on a cut-off node, replacement elsewhere).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::analysis {

// Definitions (times are seconds of virtual time):
// - A node is *faulted* from its first fault action in the trace's scenario lines: haltNode,
//   stopKubelet, partition, slowNetwork, flapNode (which the runner records as haltNode/resumeNode).
// - An *eviction* is a Pod's TaintManagerEviction or NodeControllerEviction "Marking for deletion"
//   event, or its deletionTimestamp being set while its node is faulted and not Ready; each pod counts
//   once, on the node it was bound to.
// - A *false eviction* is an eviction from a faulted node whose Ready condition is True again later in
//   the trace: the fault was transient (a flap, a halt then resume, a healed partition or restored
//   network) and the pod would have run on. A node that never comes back makes none.
// - *Duplicate-pod time* is, for each pod evicted while its node was cut off but powered (partition
//   or stopKubelet: the machine keeps running its containers), the seconds from the first ADDED pod of
//   the same Deployment after the eviction (its replacement; the ReplicaSet controller ignores
//   terminating pods, k/k pkg/controller/controller_utils.go FilterActivePods) until the old copy is
//   gone: its Pod DELETED (after the heal the kubelet kills it and completes the deletion) or its node
//   halted or deleted; still running at the end of the trace counts until the end. Each replacement
//   pairs with one evicted pod of its Deployment, earliest first.
struct FaultDeploymentMetrics {
  int64_t false_evictions = 0;
  double duplicate_pod_seconds = 0;
};

struct FaultMetrics {
  std::vector<std::string> faulted_nodes;  // sorted
  int64_t evictions = 0;
  int64_t false_evictions = 0;
  double duplicate_pod_seconds = 0;
  std::map<std::string, FaultDeploymentMetrics> deployments;  // namespace/name, those with any
};

// Empty when the trace holds no fault action. Invalid when a change line cannot be replayed.
core::Result<std::optional<FaultMetrics>> compute_fault_metrics(const std::vector<nlohmann::json>& trace);

}  // namespace ktwin::analysis
