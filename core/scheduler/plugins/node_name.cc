// NodeName filter.
#include "core/scheduler/plugins/node_name.h"

namespace ktwin::core {

PluginStatus NodeName::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (!pod.spec.nodeName.empty() && pod.spec.nodeName != node.name())
    return PluginStatus::unresolvable(kErrReason);
  return PluginStatus::success();
}

void NodeName::filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                            const FilterRejection& reject) const {
  if (pod.spec.nodeName.empty()) return;  // every node passes
  FilterPlugin::filter_nodes(state, pod, positions, reject);
}

}  // namespace ktwin::core
