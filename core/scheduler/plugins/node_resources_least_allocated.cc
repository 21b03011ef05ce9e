// NodeResourcesLeastAllocated: the formula lives with NodeResourcesFit, which carries it from 1.23 on.
#include "core/scheduler/plugins/node_resources_least_allocated.h"

#include "core/scheduler/plugins/node_resources_fit.h"

namespace ktwin::core {

int64_t NodeResourcesLeastAllocated::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  PodRequests scratch;
  const PodRequests& r = pod_requests(state, pod, scratch);
  return strategy_ ? resource_allocation_score(*strategy_, r, node, minor_) : least_allocated_score(r, node);
}

}  // namespace ktwin::core
