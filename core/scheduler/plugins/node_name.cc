// NodeName filter.
#include "core/scheduler/plugins/node_name.h"

namespace ktwin::core {

PluginStatus NodeName::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (!pod.spec.nodeName.empty() && pod.spec.nodeName != node.name())
    return PluginStatus::unresolvable(kErrReason);
  return PluginStatus::success();
}

}  // namespace ktwin::core
