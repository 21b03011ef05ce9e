// The incoming pod's requests as per-cycle state, so the resource scores read them per node instead of
// summing the pod's containers again on every node (k/k noderesources/fit.go preScoreState,
// balanced_allocation.go balancedAllocationPreScoreState).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

// PreScore of every resource score: computes the pod's requests unless another plugin did this cycle
// (they all want the same numbers, so they share one slot).
void pre_score_pod_requests(CycleState& state, const Pod& pod);
// The requests PreScore computed; when it did not run (a plugin called on its own, as in tests),
// computed into `scratch`.
const PodRequests& pod_requests(const CycleState& state, const Pod& pod, PodRequests& scratch);

}  // namespace ktwin::core
