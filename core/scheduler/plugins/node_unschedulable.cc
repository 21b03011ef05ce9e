// NodeUnschedulable filter.
#include "core/scheduler/plugins/node_unschedulable.h"

#include "core/scheduler/plugins/helpers.h"

namespace ktwin::core {

PluginStatus NodeUnschedulable::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  // A pod that tolerates node.kubernetes.io/unschedulable:NoSchedule also tolerates spec.unschedulable.
  Taint unschedulable{"node.kubernetes.io/unschedulable", "", "NoSchedule", std::nullopt};
  if (node.node->spec.unschedulable && !tolerations_tolerate(pod.spec.tolerations, unschedulable))
    return PluginStatus::unresolvable(kErrReason);
  return PluginStatus::success();
}

}  // namespace ktwin::core
